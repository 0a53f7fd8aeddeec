package reload

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Root returns the posts folder dir with symlinks resolved, or a
// *FolderError saying why it cannot be read.
func Root(dir string) (string, error) {
	resolved, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", folderError(dir, err)
	}
	fi, err := os.Stat(resolved)
	if err != nil {
		return "", folderError(dir, err)
	}
	if !fi.IsDir() {
		return "", &FolderError{Dir: dir, Problem: "is not a directory", Err: syscall.ENOTDIR}
	}
	f, err := os.Open(resolved)
	if err != nil {
		return "", folderError(dir, err)
	}
	f.Close()
	return resolved, nil
}

// FolderError is a posts folder that cannot be read. Its message names
// the folder and the problem, without the system call that met it.
type FolderError struct {
	Dir     string
	Problem string // "does not exist", "is not a directory", ...
	Err     error
}

func (e *FolderError) Error() string { return "posts folder " + e.Dir + " " + e.Problem }

func (e *FolderError) Unwrap() error { return e.Err }

// folderError describes err, met reading the posts folder dir.
func folderError(dir string, err error) *FolderError {
	problem := "cannot be read"
	switch {
	case errors.Is(err, fs.ErrNotExist):
		problem = "does not exist"
	case errors.Is(err, syscall.ENOTDIR):
		problem = "is not a directory (a part of its path is a file)"
	case errors.Is(err, fs.ErrPermission):
		problem = "cannot be read: permission denied"
	}
	var pe *fs.PathError
	if problem == "cannot be read" && errors.As(err, &pe) {
		problem += ": " + pe.Err.Error()
	}
	return &FolderError{Dir: dir, Problem: problem, Err: err}
}
