// Package httpx holds feedwire's HTTP rules, one function per grammar or
// rule, used by every handler that needs it: entity-tag lists (RFC 9110
// section 8.8.3), lists of elements with q-values (section 12.4.2), whole
// numbers in query strings, content-coding negotiation and the evaluation of
// preconditions (section 13.2.2).
package httpx
