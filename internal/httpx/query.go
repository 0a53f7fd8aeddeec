package httpx

import (
	"errors"
	"net/url"
)

// ErrQuery reports a query string that is not well formed.
var ErrQuery = errors.New("malformed query string")

// maxDigits bounds a whole number so that it fits an int on every platform.
const maxDigits = 9

// WholeNumber reads a whole number written with digits only: no sign, no
// spaces, no exponent, at most nine digits.
func WholeNumber(s string) (int, bool) {
	if s == "" || len(s) > maxDigits {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = 10*n + int(c-'0')
	}
	return n, true
}

// QueryNumber reads the parameter key of a raw query as a whole number.
// present is false when the query does not name key. An error means a
// malformed query (ErrQuery), or a value that is repeated or not a whole
// number (ErrNotNumber); the caller checks the range.
func QueryNumber(rawQuery, key string) (n int, present bool, err error) {
	if rawQuery == "" {
		return 0, false, nil
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return 0, false, ErrQuery
	}
	v, ok := q[key]
	if !ok {
		return 0, false, nil
	}
	n, ok = WholeNumber(v[0])
	if !ok || len(v) > 1 {
		return 0, true, ErrNotNumber
	}
	return n, true, nil
}

// ErrNotNumber reports a query parameter that is not one whole number.
var ErrNotNumber = errors.New("not a whole number")
