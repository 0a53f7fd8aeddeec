package h1

import (
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// appendHead appends the response head, deciding what net/http decides:
// chunking, Content-Type sniffed from the first bytes of the body,
// Date, and Connection: close.
func (w *response) appendHead(b, body, extra []byte) []byte {
	h := w.headerToSend()
	bodyOK := bodyAllowed(w.status)
	if w.req.Close || w.c.srv.inShutdown.Load() || httpguts.HeaderValuesContainsToken(h["Connection"], "close") {
		w.closeAfter = true
	}
	b = appendStatus(b, w.status)
	skip := func(k string) bool {
		switch k {
		case "Transfer-Encoding":
			return true
		case "Content-Length":
			return !bodyOK
		case "Content-Type":
			return w.status == http.StatusNotModified
		case "Connection":
			return w.closeAfter
		}
		return false
	}
	b = appendFields(b, h, skip)
	if bodyOK {
		if _, ok := h["Content-Type"]; !ok && h.Get("Content-Encoding") == "" {
			sniff := body
			if len(sniff) == 0 {
				sniff = extra
			}
			if len(sniff) > 0 {
				b = append(b, "Content-Type: "...)
				b = append(b, http.DetectContentType(sniff)...)
				b = append(b, "\r\n"...)
			}
		}
		if w.clen < 0 && !w.isHead {
			w.chunked = true
			b = append(b, "Transfer-Encoding: chunked\r\n"...)
		}
	}
	if _, ok := h["Date"]; !ok {
		b = append(b, "Date: "...)
		b = append(b, w.c.dateValue(w.now)...)
		b = append(b, "\r\n"...)
	}
	if w.closeAfter {
		b = append(b, "Connection: close\r\n"...)
	}
	return append(b, "\r\n"...)
}

// appendStatus appends the status line of code.
func appendStatus(b []byte, code int) []byte {
	switch code { // the lines of most responses, without formatting
	case http.StatusOK:
		return append(b, "HTTP/1.1 200 OK\r\n"...)
	case http.StatusNotModified:
		return append(b, "HTTP/1.1 304 Not Modified\r\n"...)
	}
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, ' ')
	if text := http.StatusText(code); text != "" {
		b = append(b, text...)
	} else {
		b = append(b, "status code "...)
		b = strconv.AppendInt(b, int64(code), 10)
	}
	return append(b, "\r\n"...)
}

// appendFields appends the fields of h but those skip names, in key order,
// as net/http writes them: invalid names left out, line breaks in values
// turned to spaces, values trimmed.
func appendFields(b []byte, h http.Header, skip func(string) bool) []byte {
	var keyArr [24]string
	keys := keyArr[:0]
	for k := range h {
		if !skip(k) && httpguts.ValidHeaderFieldName(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			if strings.ContainsAny(v, "\r\n") {
				v = strings.NewReplacer("\n", " ", "\r", " ").Replace(v)
			}
			b = append(b, k...)
			b = append(b, ": "...)
			b = append(b, textproto.TrimString(v)...)
			b = append(b, "\r\n"...)
		}
	}
	return b
}
