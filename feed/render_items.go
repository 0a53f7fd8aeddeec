package feed

import (
	"bytes"
	"fmt"
	"io"
	"sync"
)

// encodedItem is an item's encoding in one format, made once per snapshot.
type encodedItem struct {
	once sync.Once
	enc  encoding
	err  error
}

// encoding is an item's bytes in one format: head, then text, then tail.
// The text is the item's HTML content when the format writes it as it is
// (XML's CDATA), shared with the item instead of copied; else it is empty
// and head holds everything.
type encoding struct {
	head []byte
	text string
	tail []byte
}

// writeTo writes the encoding to w.
func (e encoding) writeTo(w io.Writer) error {
	if _, err := w.Write(e.head); err != nil || e.text == "" && len(e.tail) == 0 {
		return err
	}
	if _, err := io.WriteString(w, e.text); err != nil {
		return err
	}
	_, err := w.Write(e.tail)
	return err
}

// encoded returns the item's encoding in format, made by encode on first
// use. Encoding kilobytes of HTML is most of a render's work, and an item's
// bytes depend only on the post and the site, so every feed of the snapshot
// that shows the post shares them.
func (it *item) encoded(format Format, encode func() (encoding, error)) (encoding, error) {
	if int(format) >= len(it.enc) {
		return encoding{}, fmt.Errorf("%w: %s", ErrFormat, format)
	}
	e := &it.enc[format]
	e.once.Do(func() { e.enc, e.err = encode() })
	return e.enc, e.err
}

// itemBufSize is a capacity that holds an item's XML encoding but its
// content: the summary, escaping, and the metadata.
func itemBufSize(it *item) int {
	return len(it.summary) + len(it.summary)/4 + 1024
}

// writeXMLItems writes doc, encoded without its items, with the view's
// items inserted before the last occurrence of closing (the end tag of
// their parent, with its indentation), each on its own line at indent: its
// posts, each encoded in format by encode once per item, then its deleted
// entries. encode appends the item's line break and element to b.
//
// The pieces go to w as they are, without a buffer between: each item is
// kilobytes long, and copying a whole document through a buffer costs more
// than the writes it saves.
func writeXMLItems(w io.Writer, doc any, closing, indent string, v *view, format Format, encode func(b []byte, p *Post, it *item, prefix string) encoding) error {
	var head bytes.Buffer
	if err := encodeXML(&head, doc); err != nil {
		return err
	}
	b := head.Bytes()
	cut := bytes.LastIndex(b, []byte(closing))
	if cut < 0 {
		return fmt.Errorf("feed: encoded document lacks %q", closing)
	}
	items := make([]encoding, len(v.posts))
	for i, p := range v.posts {
		it := v.items[i]
		enc, err := it.encoded(format, func() (encoding, error) {
			return encode(append(make([]byte, 0, itemBufSize(it)), '\n'), p, it, indent), nil
		})
		if err != nil {
			return err
		}
		items[i] = enc
	}
	var tail []byte
	for _, t := range v.tombstones {
		tail = append(tail, '\n')
		tail = append(tail, deletedEntry(t, indent)...)
	}
	tail = append(tail, b[cut:]...)
	if _, err := w.Write(b[:cut]); err != nil {
		return err
	}
	for _, it := range items {
		if err := it.writeTo(w); err != nil {
			return err
		}
	}
	_, err := w.Write(tail)
	return err
}
