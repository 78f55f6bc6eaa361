package cachecore

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
)

func TestNormalizeListLimit(t *testing.T) {
	for _, tc := range []struct{ in, want int }{
		{-5, DefaultListLimit}, {0, DefaultListLimit}, {1, 1}, {100, 100},
		{MaxListLimit, MaxListLimit}, {MaxListLimit + 1, MaxListLimit}, {1 << 40, MaxListLimit},
	} {
		if got := NormalizeListLimit(tc.in); got != tc.want {
			t.Errorf("NormalizeListLimit(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestOffsetCursorRoundTrip(t *testing.T) {
	for _, off := range []int{0, 1, 2, 499, 1 << 30} {
		c := EncodeOffsetCursor(off)
		got, err := DecodeOffsetCursor(c)
		if err != nil || got != off {
			t.Errorf("DecodeOffsetCursor(EncodeOffsetCursor(%d) = %q) = %d, %v", off, c, got, err)
		}
	}
	if c := EncodeOffsetCursor(-3); c != "" {
		t.Errorf("EncodeOffsetCursor(-3) = %q, want the first page's empty cursor", c)
	}
	if got, err := DecodeOffsetCursor("  7\t"); err != nil || got != 7 {
		t.Errorf("DecodeOffsetCursor with spaces = %d, %v; want 7", got, err)
	}
}

// TestDecodeOffsetCursorRejectsForeignCursors covers cursors no page
// returned, among them the last-key cursors listings used to hand out.
func TestDecodeOffsetCursorRejectsForeignCursors(t *testing.T) {
	for _, c := range []string{"-1", "x", "page/b", "1.5", "0x10", "99999999999999999999999"} {
		n, err := DecodeOffsetCursor(c)
		if !errors.Is(err, ErrInvalidListCursor) || n != 0 {
			t.Errorf("DecodeOffsetCursor(%q) = %d, %v; want 0 and ErrInvalidListCursor", c, n, err)
		}
	}
}

func TestListFilterTerm(t *testing.T) {
	for _, tc := range []struct {
		opts ListPageOptions
		want string
	}{
		{ListPageOptions{}, ""},
		{ListPageOptions{Query: " user: "}, "user:"},
		{ListPageOptions{Prefix: "legacy"}, "legacy"},
		{ListPageOptions{Query: "q", Prefix: "p"}, "q"},
		{ListPageOptions{Query: "   ", Prefix: " p "}, "p"},
	} {
		if got := ListFilterTerm(tc.opts); got != tc.want {
			t.Errorf("ListFilterTerm(%+v) = %q, want %q", tc.opts, got, tc.want)
		}
	}
}

func keysOf(entries []CacheEntry) []string {
	keys := make([]string, len(entries))
	for i, e := range entries {
		keys[i] = e.Key
	}
	return keys
}

func TestFilterAndSortEntries(t *testing.T) {
	in := []CacheEntry{{Key: "user:2"}, {Key: "session:1"}, {Key: "user:10"}, {Key: "a-user:"}}
	before := slices.Clone(in)
	got := keysOf(FilterAndSortEntries(in, " user: "))
	if want := []string{"a-user:", "user:10", "user:2"}; !slices.Equal(got, want) {
		t.Errorf("FilterAndSortEntries(user:) = %q, want %q (substring match, key order)", got, want)
	}
	if !slices.Equal(in, before) {
		t.Errorf("FilterAndSortEntries reordered its input: %v", in)
	}
	if got := FilterAndSortEntries(in, ""); len(got) != len(in) {
		t.Errorf("empty filter kept %d of %d entries", len(got), len(in))
	}
	if got := FilterAndSortEntries(nil, "x"); got == nil || len(got) != 0 {
		t.Errorf("FilterAndSortEntries(nil) = %#v, want an empty non-nil slice", got)
	}
}

func TestSliceEntriesPagesThroughEverything(t *testing.T) {
	var all []CacheEntry
	for i := range 7 {
		all = append(all, CacheEntry{Key: strconv.Itoa(i)})
	}
	var got []string
	cursor := ""
	for pages := 1; ; pages++ {
		if pages > 4 {
			t.Fatal("listing did not end after 4 pages of 2 of 7 entries")
		}
		off, err := DecodeOffsetCursor(cursor)
		if err != nil {
			t.Fatal(err)
		}
		page := SliceEntries(all, off, 2)
		got = append(got, keysOf(page.Entries)...)
		if page.HasMore != (page.NextCursor != "") {
			t.Fatalf("page %d: HasMore %v with NextCursor %q", pages, page.HasMore, page.NextCursor)
		}
		if !page.HasMore {
			if pages != 4 {
				t.Fatalf("listing ended after %d pages, want 4", pages)
			}
			break
		}
		cursor = page.NextCursor
	}
	if want := keysOf(all); !slices.Equal(got, want) {
		t.Fatalf("pages listed %q, want %q", got, want)
	}
}

func TestSliceEntriesEdges(t *testing.T) {
	all := make([]CacheEntry, MaxListLimit+50)
	for i := range all {
		all[i].Key = fmt.Sprintf("%04d", i)
	}
	for _, tc := range []struct {
		name          string
		offset, limit int
		wantLen       int
		wantFirst     string
		wantNext      string
	}{
		{"default limit", 0, 0, DefaultListLimit, "0000", strconv.Itoa(DefaultListLimit)},
		{"capped limit", 0, 10_000, MaxListLimit, "0000", strconv.Itoa(MaxListLimit)},
		{"negative offset", -4, 3, 3, "0000", "3"},
		{"last page", MaxListLimit, 100, 50, fmt.Sprintf("%04d", MaxListLimit), ""},
		{"past the end", len(all) + 10, 5, 0, "", ""},
	} {
		page := SliceEntries(all, tc.offset, tc.limit)
		if len(page.Entries) != tc.wantLen || page.NextCursor != tc.wantNext || page.HasMore != (tc.wantNext != "") {
			t.Errorf("%s: %d entries, next %q, more %v; want %d, %q", tc.name, len(page.Entries), page.NextCursor, page.HasMore, tc.wantLen, tc.wantNext)
			continue
		}
		if tc.wantLen > 0 && page.Entries[0].Key != tc.wantFirst {
			t.Errorf("%s: first entry %q, want %q", tc.name, page.Entries[0].Key, tc.wantFirst)
		}
	}
	// A caller appending to a page must not overwrite the entries after it.
	page := SliceEntries(all, 0, 2)
	_ = append(page.Entries, CacheEntry{Key: "appended"})
	if all[2].Key != "0002" {
		t.Errorf("appending to a page overwrote the next entry: %q", all[2].Key)
	}
}

func ExampleSliceEntries() {
	all := []CacheEntry{{Key: "user:3"}, {Key: "user:1"}, {Key: "job:9"}, {Key: "user:2"}}
	opts := ListPageOptions{Query: "user:", Limit: 2}
	offset, _ := DecodeOffsetCursor(opts.Cursor)
	page := SliceEntries(FilterAndSortEntries(all, ListFilterTerm(opts)), offset, opts.Limit)
	fmt.Println(keysOf(page.Entries), page.HasMore, page.NextCursor)
	// Output: [user:1 user:2] true 2
}
