package feed

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
)

// contentHash is the content hash of a post file: its path and its bytes.
func contentHash(path string, data []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(data)
	return [32]byte(h.Sum(nil))
}

// Content returns the HTML body of p, from the files the snapshot keeps or
// else read again from its file system. Markdown bodies are rendered. If the
// file no longer holds the bytes it held at load time, Content returns an
// error wrapping ErrChanged.
func (s *Snapshot) Content(p *Post) ([]byte, error) {
	return s.content(p, new(htmlBuffer))
}

// content is Content rendering Markdown into buf, whose bytes it returns:
// they are valid until buf is used again.
func (s *Snapshot) content(p *Post, buf *htmlBuffer) ([]byte, error) {
	body, err := s.body(p)
	if err != nil {
		return nil, err
	}
	html, err := renderBody(s.md, body, p.markdown, buf)
	if err != nil || p.liquid == nil {
		return html, err
	}
	return p.rendered.body.restore(html), nil
}

// body returns the body of p as the Markdown stage takes it: after Liquid,
// with LF line endings.
func (s *Snapshot) body(p *Post) ([]byte, error) {
	if p.liquid != nil {
		return p.rendered.body.text, nil
	}
	data, ok := s.bodies.get(p.Hash)
	if !ok {
		var err error
		if data, err = fs.ReadFile(s.fsys, p.Path); err != nil {
			return nil, fmt.Errorf("feed: read %s: %w", p.Path, err)
		}
		if contentHash(p.Path, data) != p.Hash {
			return nil, fmt.Errorf("feed: read %s: %w", p.Path, ErrChanged)
		}
		data = s.bodies.put(p.Hash, data)
	}
	return crlfToLF(data[p.bodyStart:]), nil
}

// renderBody turns a post body into HTML, rendering Markdown with md into
// buf.
func renderBody(md *Markdown, body []byte, isMarkdown bool, buf *htmlBuffer) ([]byte, error) {
	if !isMarkdown {
		return body, nil
	}
	buf.Reset()
	buf.Grow(len(body) + len(body)/8)
	if err := md.Convert(body, buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
