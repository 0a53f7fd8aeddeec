package cache

import "sync"

// EntryOverhead is the fixed number of bytes charged per Memory entry on
// top of its key and value: the entry struct, its list links and its map
// slot, rounded up.
const EntryOverhead = 128

// entry is one Memory item, a node of the intrusive recency list.
type entry struct {
	key        string
	val        []byte
	size       int64
	prev, next *entry
}

// Memory is an in-process LRU cache bounded by bytes: each entry costs
// len(key)+len(value)+EntryOverhead. It is safe for concurrent use; Get
// does not allocate. The zero value is not usable: call NewMemory.
type Memory struct {
	mu    sync.Mutex
	max   int64
	used  int64
	items map[string]*entry
	root  entry // sentinel: root.next is the most recently used
	obs   Observer
}

// NewMemory returns an empty Memory holding at most maxBytes. A maxBytes of
// zero or less stores nothing. A nil obs means NopObserver.
func NewMemory(maxBytes int64, obs Observer) *Memory {
	if obs == nil {
		obs = NopObserver{}
	}
	m := &Memory{max: maxBytes, items: make(map[string]*entry), obs: obs}
	m.root.next = &m.root
	m.root.prev = &m.root
	return m
}

// Get returns the value stored under key and marks it most recently used,
// or ErrMiss. The returned slice is shared: callers must not modify it.
func (m *Memory) Get(key string) ([]byte, error) {
	val, ok := m.hit(key)
	if !ok {
		m.obs.Request(TierMemory, ResultMiss)
		return nil, ErrMiss
	}
	return val, nil
}

// hit is Get observing only a hit.
func (m *Memory) hit(key string) ([]byte, bool) {
	m.mu.Lock()
	e, ok := m.items[key]
	if !ok {
		m.mu.Unlock()
		return nil, false
	}
	m.moveToFront(e)
	val := e.val
	m.mu.Unlock()
	m.obs.Request(TierMemory, ResultHit)
	return val, true
}

// peek is Get without recency update or observation.
func (m *Memory) peek(key string) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.items[key]
	if !ok {
		return nil, false
	}
	return e.val, true
}

// Set stores val under key as the most recently used entry, evicting least
// recently used entries until it fits, and reports whether it was stored.
// An entry larger than the whole bound is not stored (and an older value
// under the same key is dropped). Memory keeps val: callers must not
// modify it afterwards.
func (m *Memory) Set(key string, val []byte) bool {
	size := int64(len(key)) + int64(len(val)) + EntryOverhead
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.items[key]; ok {
		m.remove(old)
	}
	if size > m.max {
		m.obs.Bytes(TierMemory, m.used)
		return false
	}
	for m.used+size > m.max {
		m.remove(m.root.prev)
	}
	e := &entry{key: key, val: val, size: size}
	m.items[key] = e
	m.used += size
	e.prev = &m.root
	e.next = m.root.next
	e.prev.next = e
	e.next.prev = e
	m.obs.Bytes(TierMemory, m.used)
	return true
}

// Len returns the number of entries held.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items)
}

// Bytes returns the bytes charged for the entries held.
func (m *Memory) Bytes() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.used
}

// Keys returns the keys held, most recently used first.
func (m *Memory) Keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.items))
	for e := m.root.next; e != &m.root; e = e.next {
		keys = append(keys, e.key)
	}
	return keys
}

// moveToFront marks e most recently used. m.mu must be held.
func (m *Memory) moveToFront(e *entry) {
	if m.root.next == e {
		return
	}
	e.prev.next = e.next
	e.next.prev = e.prev
	e.prev = &m.root
	e.next = m.root.next
	e.prev.next = e
	e.next.prev = e
}

// remove unlinks e and forgets it. m.mu must be held.
func (m *Memory) remove(e *entry) {
	e.prev.next = e.next
	e.next.prev = e.prev
	e.prev, e.next = nil, nil
	delete(m.items, e.key)
	m.used -= e.size
}
