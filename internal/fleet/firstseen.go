package fleet

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// stamp asks for the time a member of a first-seen set was first seen in
// its current incarnation: now when the set has no time for it, or only one
// not after after (the member was seen before, then replaced, and is back:
// a time at or before what replaced it would move a date backwards).
type stamp struct {
	member     string
	now, after time.Time // now is after after
}

// firstSeenScript applies stamps to the sorted set KEYS[1] atomically, so
// that replicas noticing one change at once agree on its time: ARGV[1] is
// the bound of the set (the oldest members beyond it go), then member, now
// and after, in Unix seconds, for each stamp. It returns each member's time.
var firstSeenScript = `
local out = {}
for i = 2, #ARGV, 3 do
  local m, now, after = ARGV[i], tonumber(ARGV[i+1]), tonumber(ARGV[i+2])
  local s = tonumber(redis.call('ZSCORE', KEYS[1], m))
  if s == nil or s <= after then
    s = now
    redis.call('ZADD', KEYS[1], s, m)
  end
  out[#out+1] = tostring(s)
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -tonumber(ARGV[1]) - 1)
return out`

// stampArgs returns the arguments of firstSeenScript for stamps, bound
// members in all.
func stampArgs(bound int, stamps []stamp) []any {
	args := make([]any, 0, 1+3*len(stamps))
	args = append(args, bound)
	for _, s := range stamps {
		args = append(args, s.member, s.now.Unix(), s.after.Unix())
	}
	return args
}

// firstSeen runs firstSeenScript on key with stamps through pipe, whose
// Exec the caller runs; read returns each stamp's time, in order.
func firstSeen(ctx context.Context, pipe redis.Pipeliner, key string, bound int, stamps []stamp) (read func() ([]time.Time, error)) {
	cmd := pipe.Eval(ctx, firstSeenScript, []string{key}, stampArgs(bound, stamps)...)
	return func() ([]time.Time, error) {
		vals, err := cmd.StringSlice()
		if err != nil {
			return nil, err
		}
		out := make([]time.Time, len(vals))
		for i, v := range vals {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, err
			}
			out[i] = time.Unix(int64(n), 0).UTC()
		}
		return out, nil
	}
}

// laterOf returns now, or a second after after when now is not later:
// the time a change noticed at now gets, so that it follows what it
// replaced.
func laterOf(now, after time.Time) time.Time {
	if now.After(after) {
		return now
	}
	return after.Add(time.Second)
}
