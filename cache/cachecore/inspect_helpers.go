package cachecore

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The helpers below give every store the same listing semantics: a
// substring filter, key order and decimal offset cursors. A store that can
// gather its live entries implements ListPage as
//
//	offset, err := cachecore.DecodeOffsetCursor(opts.Cursor)
//	if err != nil {
//		return cachecore.ListPageResult{}, err
//	}
//	entries := cachecore.FilterAndSortEntries(all, cachecore.ListFilterTerm(opts))
//	return cachecore.SliceEntries(entries, offset, opts.Limit), nil

// NormalizeListLimit returns the page size ListPage uses for limit:
// DefaultListLimit when limit <= 0, at most MaxListLimit otherwise.
func NormalizeListLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultListLimit
	case limit > MaxListLimit:
		return MaxListLimit
	}
	return limit
}

// DecodeOffsetCursor returns the offset a cursor made by EncodeOffsetCursor
// stands for; a blank cursor is offset 0. Anything else — not a decimal
// integer, negative, out of range — yields an error wrapping
// ErrInvalidListCursor.
func DecodeOffsetCursor(cursor string) (int, error) {
	s := strings.TrimSpace(cursor)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w %q", ErrInvalidListCursor, cursor)
	}
	return n, nil
}

// EncodeOffsetCursor returns the cursor of the page starting at offset:
// its decimal form, or "" for offset <= 0, which is the first page.
func EncodeOffsetCursor(offset int) string {
	if offset <= 0 {
		return ""
	}
	return strconv.Itoa(offset)
}

// ListFilterTerm returns the substring a listing filters keys by: Query
// trimmed of surrounding space, or Prefix when Query is blank.
func ListFilterTerm(opts ListPageOptions) string {
	if q := strings.TrimSpace(opts.Query); q != "" {
		return q
	}
	return strings.TrimSpace(opts.Prefix)
}

// FilterAndSortEntries returns, in a new slice, the entries whose key
// contains filter (trimmed of surrounding space; blank keeps all), sorted
// by key. entries itself is left as it was.
func FilterAndSortEntries(entries []CacheEntry, filter string) []CacheEntry {
	filter = strings.TrimSpace(filter)
	out := make([]CacheEntry, 0, len(entries))
	for _, e := range entries {
		if strings.Contains(e.Key, filter) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b CacheEntry) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// SliceEntries cuts the page starting at offset out of entries, which must
// already be filtered and ordered. The page holds at most
// NormalizeListLimit(limit) entries and shares entries' backing array. An
// offset past the end gives an empty last page. HasMore and NextCursor
// tell whether, and from where, the listing continues.
func SliceEntries(entries []CacheEntry, offset int, limit int) ListPageResult {
	offset = min(max(offset, 0), len(entries))
	end := offset + min(NormalizeListLimit(limit), len(entries)-offset)
	page := ListPageResult{Entries: entries[offset:end:end], HasMore: end < len(entries)}
	if page.HasMore {
		page.NextCursor = EncodeOffsetCursor(end)
	}
	return page
}
