// Package clienttest sends test requests as a feed reader would see the
// answers: compressed bodies as they came, each request on a connection of
// its own.
package clienttest

import (
	"io"
	"net/http"
	"testing"
	"time"
)

// Get sends a request with the given method and headers to url and returns
// the response with its body read, failing the test on any error.
func Get(t testing.TB, method, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}
