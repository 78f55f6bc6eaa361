package dynamocache

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// GetWithExpiry is Get that also returns the item's expiry, zero for none.
func (s *store) GetWithExpiry(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, time.Time{}, false, err
	}
	it, err := s.getItem(ctx, key)
	if err != nil {
		return nil, time.Time{}, false, fail(ctx, "get", err)
	}
	v, found, err := s.value(key, it)
	if err != nil || !found {
		return nil, time.Time{}, false, err
	}
	var at time.Time
	if ea := expiry(it); ea > 0 {
		at = time.UnixMilli(ea)
	}
	return v, at, true, nil
}

// Capabilities reports listing with sizes and expiries.
func (s *store) Capabilities() cachecore.InspectorCapabilities {
	return cachecore.InspectorCapabilities{CanList: true, CanRead: true, CanDelete: true, CanTTL: true}
}

// ListPage scans the table for live items whose key contains the filter
// term, sorts them and returns one page. Each page scans the whole table,
// so this is for admin pages, not hot paths.
func (s *store) ListPage(ctx context.Context, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	if err := ctx.Err(); err != nil {
		return cachecore.ListPageResult{}, err
	}
	offset, err := cachecore.DecodeOffsetCursor(opts.Cursor)
	if err != nil {
		return cachecore.ListPageResult{}, err
	}
	in := &dynamodb.ScanInput{TableName: s.table, ConsistentRead: aws.Bool(true)}
	if term := cachecore.ListFilterTerm(opts); term != "" {
		in.FilterExpression = aws.String("contains(#k, :q)")
		in.ExpressionAttributeNames = map[string]string{"#k": attrKey}
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":q": &types.AttributeValueMemberS{Value: term}}
	}
	nowMs := s.now().UnixMilli()
	var entries []cachecore.CacheEntry
	err = s.scanPages(ctx, in, func(page []map[string]types.AttributeValue) error {
		for _, it := range page {
			k, ok := it[attrKey].(*types.AttributeValueMemberS)
			if !ok || !live(it, nowMs) {
				continue
			}
			e := cachecore.CacheEntry{Key: k.Value}
			if v, ok := it[attrValue].(*types.AttributeValueMemberB); ok {
				e.SizeBytes = len(v.Value)
			}
			if ea := expiry(it); ea > 0 {
				e.ExpiresAt = &ea
			}
			entries = append(entries, e)
		}
		return nil
	})
	if err != nil {
		return cachecore.ListPageResult{}, err
	}
	slices.SortFunc(entries, func(a, b cachecore.CacheEntry) int { return strings.Compare(a.Key, b.Key) })
	res := cachecore.SliceEntries(entries, offset, opts.Limit)
	if res.Entries == nil {
		res.Entries = []cachecore.CacheEntry{}
	}
	return res, nil
}
