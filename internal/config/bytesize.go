package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ByteSize is a number of bytes as a setting writes it: a plain number
// ("4194304"), or a whole number and a unit. Decimal units are powers of
// 1000 (B, KB or kB, MB, GB, TB, and K, M, G, T), binary units powers of 1024
// (KiB, MiB, GiB, TiB, and Ki, Mi, Gi, Ti as Kubernetes writes them). Units
// are read without regard to case; a space may separate number and unit.
type ByteSize int64

// byteUnits maps each unit, lower-cased, to its number of bytes.
var byteUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
	"ki": 1 << 10, "kib": 1 << 10, "mi": 1 << 20, "mib": 1 << 20,
	"gi": 1 << 30, "gib": 1 << 30, "ti": 1 << 40, "tib": 1 << 40,
}

// ParseByteSize reads a byte size such as "4194304", "512KB" or "64MiB".
func ParseByteSize(s string) (ByteSize, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("config: byte size %q does not start with a whole number", s)
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("config: byte size %q is too large", s)
	}
	unit, ok := byteUnits[strings.ToLower(strings.TrimSpace(t[i:]))]
	if !ok {
		return 0, fmt.Errorf("config: byte size %q has an unknown unit", s)
	}
	if n > math.MaxInt64/unit {
		return 0, fmt.Errorf("config: byte size %q is too large", s)
	}
	return ByteSize(n * unit), nil
}

// Decode reads the setting for envconfig.
func (b *ByteSize) Decode(s string) error {
	v, err := ParseByteSize(s)
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// String writes the size with the largest unit that divides it, binary
// before decimal: 4194304 is "4MiB", 512000 "500KiB", 1500 "1500".
func (b ByteSize) String() string {
	if b == 0 {
		return "0"
	}
	for _, u := range []struct {
		name string
		n    ByteSize
	}{{"TiB", 1 << 40}, {"TB", 1e12}, {"GiB", 1 << 30}, {"GB", 1e9}, {"MiB", 1 << 20}, {"MB", 1e6}, {"KiB", 1 << 10}, {"KB", 1e3}} {
		if b%u.n == 0 {
			return strconv.FormatInt(int64(b/u.n), 10) + u.name
		}
	}
	return strconv.FormatInt(int64(b), 10)
}
