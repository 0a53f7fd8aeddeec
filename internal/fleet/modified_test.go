package fleet

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/feedwire/feedwire/internal/redistest"
)

// TestModifiedTimes swaps a slot through validators v1, v2 and back to v1
// on two replicas and one started later, with and without Redis: a new
// validator is dated when first seen and always after the one it replaces,
// a kept one keeps its date, and replicas sharing Redis agree.
func TestModifiedTimes(t *testing.T) {
	start := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	for _, withRedis := range []bool{false, true} {
		name := "without Redis"
		var client redis.UniversalClient
		if withRedis {
			name = "with Redis"
			client = redistest.Start(t).Client()
		}
		t.Run(name, func(t *testing.T) {
			a, b := NewModified(client, quietLog()), NewModified(client, quietLog())
			doc := func(v string) []Doc {
				return []Doc{{Slot: "category:jiabao:atom", Validator: v}, {Slot: "opml", Validator: "o1"}}
			}
			steps := []struct {
				name      string
				validator string
				aAt, bAt  time.Time
				want      time.Time // a's time for the slot; with Redis, b's too
			}{
				{"first", "v1", start, start.Add(time.Minute), start},
				{"unchanged", "v1", start.Add(time.Hour), start.Add(time.Hour), start},
				{"changed", "v2", start.Add(2 * time.Hour), start.Add(3 * time.Hour), start.Add(2 * time.Hour)},
				// Back to bytes served before: a new date, never v1's.
				{"reverted", "v1", start.Add(4 * time.Hour), start.Add(4 * time.Hour), start.Add(4 * time.Hour)},
				// Changed again within the second it was seen: still later.
				{"same second", "v3", start.Add(4*time.Hour + 500*time.Millisecond), start.Add(5 * time.Hour), start.Add(4*time.Hour + time.Second)},
			}
			for _, step := range steps {
				gotA := a.Times(doc(step.validator), step.aAt)
				gotB := b.Times(doc(step.validator), step.bAt)
				if !gotA[0].Equal(step.want) {
					t.Errorf("%s: replica a dates %s %v, want %v", step.name, step.validator, gotA[0], step.want)
				}
				if !gotA[1].Equal(start) {
					t.Errorf("%s: an unchanged slot's date moved to %v", step.name, gotA[1])
				}
				if withRedis && !gotB[0].Equal(gotA[0]) {
					t.Errorf("%s: replicas disagree: %v and %v", step.name, gotA[0], gotB[0])
				}
				if !withRedis && gotB[0].Before(gotA[0]) && step.bAt.After(step.aAt) {
					t.Errorf("%s: replica b, later, dates it %v before a's %v", step.name, gotB[0], gotA[0])
				}
			}
			late := NewModified(client, quietLog()).Times(doc("v3"), start.Add(10*time.Hour))
			if want := start.Add(10 * time.Hour); withRedis {
				want = start.Add(4*time.Hour + time.Second)
				if !late[0].Equal(want) {
					t.Errorf("replica started later: %v, want Redis's %v", late[0], want)
				}
			} else if !late[0].Equal(want) {
				t.Errorf("replica started later, without Redis: %v, want its start %v", late[0], want)
			}
		})
	}
}
