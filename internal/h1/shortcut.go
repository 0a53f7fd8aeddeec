package h1

import "strconv"

// A Shortcut answers some requests from what it already holds, before an
// *http.Request is made for them and without the handler: for a service
// whose hot requests are few and simple, most of the cost of a request.
// What it answers, it must answer exactly as the handler would, side
// effects included; whatever it is not sure of it declines, and the
// request goes to the handler as if there were no Shortcut.
type Shortcut interface {
	// Answer writes the response to r into w and returns true, or returns
	// false having written nothing. It must not keep r or w.
	Answer(w *Reply, r *Request) bool
}

// Reply is the response a Shortcut gives: a status, fields written in the
// order they are to be sent, and a body. The server adds Date and, when
// the connection is to close, Connection: close after the fields, as it
// does for a handler's response, and sends no body for HEAD, 1xx, 204 or
// 304.
type Reply struct {
	head   []byte
	body   []byte
	status int
}

// Status starts the reply with its status line. Call it first, once.
func (w *Reply) Status(code int) {
	w.status = code
	w.head = appendStatus(w.head[:0], code)
}

// Field adds a header field. The name must be in canonical form and the
// value free of line breaks and surrounding space: the bytes go out as
// given. A handler's fields go out sorted by name; for the same bytes,
// add them in that order.
func (w *Reply) Field(name, value string) {
	w.head = append(w.head, name...)
	w.head = append(w.head, ": "...)
	w.head = append(w.head, value...)
	w.head = append(w.head, "\r\n"...)
}

// FieldInt adds a header field with a decimal value, such as
// Content-Length.
func (w *Reply) FieldInt(name string, value int) {
	w.head = append(w.head, name...)
	w.head = append(w.head, ": "...)
	w.head = strconv.AppendInt(w.head, int64(value), 10)
	w.head = append(w.head, "\r\n"...)
}

// Body sets the body, which is sent as it is, not copied: it must not
// change while the server writes it. Its length must be the
// Content-Length field given.
func (w *Reply) Body(b []byte) { w.body = b }

// shortcut offers the request to the server's Shortcut and, when it
// answers, sends the reply. It reports whether the request was answered,
// and whether the connection may carry another one.
func (c *conn) shortcut(r *Request) (answered, keep bool) {
	now := r.Received
	w := &c.reply
	*w = Reply{head: c.head[:0]}
	if !c.srv.Shortcut.Answer(w, r) { // a panic closes the connection, as in a handler
		return false, true
	}
	if w.status == 0 {
		panic("h1: Shortcut answered without a status")
	}
	if err := c.setWriteDeadline(now); err != nil {
		return true, false
	}
	closeAfter := r.Close || c.srv.inShutdown.Load()
	b := append(w.head, "Date: "...)
	b = append(b, c.dateValue(now)...)
	b = append(b, "\r\n"...)
	if closeAfter {
		b = append(b, "Connection: close\r\n"...)
	}
	b = append(b, "\r\n"...)
	body := w.body
	if r.Method == "HEAD" || !bodyAllowed(w.status) {
		body = nil
	}
	if len(body) < directMin {
		b, body = append(b, body...), nil
	}
	err := c.write(b, body)
	c.head = b[:0]
	*w = Reply{}
	return true, err == nil && !closeAfter
}
