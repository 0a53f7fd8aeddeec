package config

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"
)

// read fills a Config from the FEEDWIRE_* variables through envconfig.
// envconfig, asked for FEEDWIRE_ADDR, falls back to a bare ADDR when the
// prefixed one is unset, so that any REDIS_URL or TIMEZONE meant for
// another program would be taken as ours. read hands it a copy of Config
// whose tags carry the full names and no prefix, and copies the values back.
func read() (Config, error) {
	t := reflect.TypeFor[Config]()
	fields := make([]reflect.StructField, t.NumField())
	for i := range fields {
		f := t.Field(i)
		tag := fmt.Sprintf("envconfig:%q", Prefix+"_"+f.Tag.Get("envconfig"))
		if def, ok := f.Tag.Lookup("default"); ok {
			tag += fmt.Sprintf(" default:%q", def)
		}
		f.Tag = reflect.StructTag(tag)
		fields[i] = f
	}
	v := reflect.New(reflect.StructOf(fields))
	if err := envconfig.Process("", v.Interface()); err != nil {
		return Config{}, parseError(err)
	}
	var c Config
	cv := reflect.ValueOf(&c).Elem()
	for i := range cv.NumField() {
		cv.Field(i).Set(v.Elem().Field(i))
	}
	return c, nil
}

// parseError turns envconfig's error for a value that does not parse
// into a *SettingError saying what the variable expects.
func parseError(err error) error {
	var pe *envconfig.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("config: %w", err)
	}
	name := strings.TrimPrefix(pe.KeyName, Prefix+"_")
	want, ok := wants[name]
	if !ok {
		want = "?"
		if f, found := reflect.TypeFor[Config]().FieldByName(pe.FieldName); found {
			want = wantOfType(f.Type)
		}
	}
	value := pe.Value
	if isSecret(pe.KeyName) {
		value = masked
	}
	return &SettingError{Name: pe.KeyName, Value: value, Want: want}
}

// wantOfType says what a value of type t looks like.
func wantOfType(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[time.Duration]():
		return wantDuration
	case t == reflect.TypeFor[ByteSize]():
		return wantByteSize
	case t.Kind() == reflect.Bool:
		return wantBool
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		return wantInt
	}
	return "a " + t.String()
}

// setDefault sets field f from its default tag def.
func setDefault(f reflect.Value, def string) {
	if d, ok := f.Addr().Interface().(envconfig.Decoder); ok {
		if err := d.Decode(def); err != nil {
			panic("config: bad default " + def)
		}
		return
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(def)
	case reflect.Bool:
		f.SetBool(def == "true")
	case reflect.Int, reflect.Int64:
		if f.Type() == reflect.TypeFor[time.Duration]() {
			d, err := time.ParseDuration(def)
			if err != nil {
				panic("config: bad default duration " + def)
			}
			f.SetInt(int64(d))
			return
		}
		n, err := strconv.ParseInt(def, 10, 64)
		if err != nil {
			panic("config: bad default number " + def)
		}
		f.SetInt(n)
	default:
		panic("config: no default for a field of kind " + f.Kind().String())
	}
}

// masked stands for a secret in logs and messages.
const masked = "xxxxx"

// isSecret reports whether a variable's name says it holds a secret
// itself (a password, a token), not the path of a file holding one.
func isSecret(name string) bool {
	if strings.HasSuffix(name, "_FILE") {
		return false
	}
	for _, s := range []string{"PASSWORD", "SECRET", "TOKEN"} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}

// Setting is one variable and the value in effect.
type Setting struct{ Name, Value string }

// Effective lists every setting with the value in effect, in the order of
// the struct, with secrets masked: passwords inside URLs, and variables
// whose name says they hold a secret.
func (c Config) Effective() []Setting {
	v := reflect.ValueOf(c)
	vars := Variables()
	out := make([]Setting, len(vars))
	for i, vr := range vars {
		var s string
		switch f := v.Field(i).Interface().(type) {
		case []string:
			parts := make([]string, len(f))
			for j, p := range f {
				parts[j] = redactURL(p)
			}
			s = strings.Join(parts, ",")
		case string:
			s = redactURL(f)
		default:
			s = fmt.Sprint(f)
		}
		if s != "" && isSecret(vr.Name) {
			s = masked
		}
		out[i] = Setting{Name: vr.Name, Value: s}
	}
	return out
}

// UnknownVariable is a FEEDWIRE_ variable that names no setting, with the
// setting whose name is closest to it.
type UnknownVariable struct{ Name, Closest string }

// Unknown returns the FEEDWIRE_ variables of environ (as os.Environ gives
// it) that name no setting: a typo such as FEEDWIRE_FEEDLIMIT, which would
// otherwise be ignored without a word.
func Unknown(environ []string) []UnknownVariable {
	known := map[string]bool{}
	for _, v := range Variables() {
		known[v.Name] = true
	}
	var out []UnknownVariable
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, Prefix+"_") || known[name] {
			continue
		}
		best, bestDist := "", -1
		for _, v := range Variables() {
			if d := editDistance(name, v.Name); bestDist < 0 || d < bestDist {
				best, bestDist = v.Name, d
			}
		}
		out = append(out, UnknownVariable{Name: name, Closest: best})
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
