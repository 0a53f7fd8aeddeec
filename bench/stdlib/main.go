// Command stdlib is the floor of the HTTP benchmark: the least a Go
// net/http handler can do to answer like feedwire for one feed. It serves
// two files (identity and gzip) with fixed headers, answers an exactly
// matching If-None-Match with 304, and nothing else: no routing, metrics,
// negotiation or cache. Its http.Server has the limits feedwire's has
// (header, read, write and idle timeouts, header size), so that the ratio
// bench/http.sh reports measures what the handlers do per request.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	plain := flag.String("body", "", "identity body file")
	gz := flag.String("gzip", "", "gzip body file")
	etag := flag.String("etag", "", "ETag of the identity body")
	etagGz := flag.String("etag-gzip", "", "ETag of the gzip body")
	ctype := flag.String("type", "", "Content-Type")
	cc := flag.String("cache-control", "", "Cache-Control")
	lm := flag.String("last-modified", "", "Last-Modified")
	flag.Parse()

	type variant struct {
		body []byte
		hdr  http.Header
		etag string
	}
	load := func(file, tag, encoding string) variant {
		b, err := os.ReadFile(file)
		if err != nil {
			log.Fatal(err)
		}
		h := http.Header{
			"Etag": {tag}, "Content-Type": {*ctype}, "Cache-Control": {*cc},
			"Vary": {"Accept-Encoding"}, "Content-Length": {strconv.Itoa(len(b))},
		}
		if *lm != "" {
			h["Last-Modified"] = []string{*lm}
		}
		if encoding != "" {
			h["Content-Encoding"] = []string{encoding}
		}
		return variant{b, h, tag}
	}
	identity, gzipped := load(*plain, *etag, ""), load(*gz, *etagGz, "gzip")
	srv := &http.Server{
		Addr:              *addr,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
	}
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := identity
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			v = gzipped
		}
		h := w.Header()
		if r.Header.Get("If-None-Match") == v.etag {
			h["Etag"], h["Cache-Control"], h["Vary"] = v.hdr["Etag"], v.hdr["Cache-Control"], v.hdr["Vary"]
			w.WriteHeader(http.StatusNotModified)
			return
		}
		for k, vv := range v.hdr {
			h[k] = vv
		}
		w.Write(v.body)
	})
	log.Fatal(srv.ListenAndServe())
}
