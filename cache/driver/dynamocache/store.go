package dynamocache

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Attribute names of an item, those of goforj/cache's DynamoDB driver.
const (
	attrKey    = "k"  // string: the stored key
	attrValue  = "v"  // binary: the stored value
	attrExpiry = "ea" // number: expiry in Unix milliseconds; absent for none
)

// ErrBadItem reports an item whose "v" is missing or not binary: something
// other than a cache store wrote it.
var ErrBadItem = errors.New("dynamocache: item has no binary value")

// store is the unshaped backend: it stores keys and values exactly as it
// is given them. New wraps it with cachecore.WrapStore, which adds the
// prefix, default TTL, size limit, compression and encryption.
//
// Every operation that must be atomic across processes is one conditional
// write, so that two processes sharing the table never interleave inside it.
type store struct {
	client DynamoAPI
	table  *string
	// now is the clock expiries are judged by; keeping it in one place
	// keeps the reads and the conditions in step. A test replaces it to
	// act between Increment's read and its write.
	now func() time.Time
}

func newStore(client DynamoAPI, table string) *store {
	return &store{client: client, table: aws.String(table), now: time.Now}
}

// fail describes err of op and, when the context ended, wraps its error
// too, so that callers can test for context.DeadlineExceeded whichever of
// the SDK's own errors surfaced.
func fail(ctx context.Context, op string, err error) error {
	return cachecore.OpError(ctx, "dynamocache", op, err)
}

func keyAttr(key string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrKey: &types.AttributeValueMemberS{Value: key}}
}

func numAttr(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

// item builds the item of key holding value until ea (0: no expiry).
func item(key string, value []byte, ea int64) map[string]types.AttributeValue {
	if value == nil {
		value = []byte{}
	}
	it := map[string]types.AttributeValue{
		attrKey:   &types.AttributeValueMemberS{Value: key},
		attrValue: &types.AttributeValueMemberB{Value: value},
	}
	if ea > 0 {
		it[attrExpiry] = numAttr(ea)
	}
	return it
}

// expiry reads an item's "ea"; 0 when absent or unreadable.
func expiry(it map[string]types.AttributeValue) int64 {
	n, ok := it[attrExpiry].(*types.AttributeValueMemberN)
	if !ok {
		return 0
	}
	ea, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return 0
	}
	return ea
}

// live reports whether an item exists and has not expired at nowMs.
func live(it map[string]types.AttributeValue, nowMs int64) bool {
	if it == nil {
		return false
	}
	ea := expiry(it)
	return ea == 0 || ea > nowMs
}

func isConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

func (s *store) Driver() cachecore.Driver { return cachecore.DriverDynamo }

// Ready describes the table, which answers only when the server is up
// and the table exists.
func (s *store) Ready(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := s.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: s.table}); err != nil {
		return fail(ctx, "ready", err)
	}
	return nil
}

// getItem reads key with a consistent read, so a write just acknowledged
// by any process is seen.
func (s *store) getItem(ctx context.Context, key string) (map[string]types.AttributeValue, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      s.table,
		Key:            keyAttr(key),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, err
	}
	return out.Item, nil
}

func (s *store) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	it, err := s.getItem(ctx, key)
	if err != nil {
		return nil, false, fail(ctx, "get", err)
	}
	return s.value(key, it)
}

// value is the value of item it of key, or not found when it is absent or
// expired.
func (s *store) value(key string, it map[string]types.AttributeValue) ([]byte, bool, error) {
	if !live(it, s.now().UnixMilli()) {
		return nil, false, nil
	}
	v, ok := it[attrValue].(*types.AttributeValueMemberB)
	if !ok {
		return nil, false, fmt.Errorf("%w: %q", ErrBadItem, key)
	}
	if v.Value == nil {
		return []byte{}, true, nil
	}
	return v.Value, true, nil
}

func (s *store) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: s.table,
		Item:      item(key, value, cachecore.ExpiresAtMilli(s.now(), ttl)),
	})
	if err != nil {
		return fail(ctx, "set", err)
	}
	return nil
}

// Add writes the item only if the key is absent or its item expired,
// judged by the server in the write's condition.
func (s *store) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	now := s.now()
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                s.table,
		Item:                     item(key, value, cachecore.ExpiresAtMilli(now, ttl)),
		ConditionExpression:      aws.String("attribute_not_exists(#k) OR #ea <= :now"),
		ExpressionAttributeNames: map[string]string{"#k": attrKey, "#ea": attrExpiry},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":now": numAttr(now.UnixMilli()),
		},
	})
	if isConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fail(ctx, "add", err)
	}
	return true, nil
}

// maxCounterAttempts bounds the read-and-conditional-write rounds of one
// Increment; each lost round means another writer's increment landed, so
// running out takes that many concurrent writers on one counter.
const maxCounterAttempts = 1000

// ErrContention is returned by an Increment that lost maxCounterAttempts
// rounds to other writers of the same counter.
var ErrContention = errors.New("dynamocache: counter changed by other writers on every attempt")

// Increment reads the counter, computes the new value and writes it with
// a PutItem conditional on the item being exactly as read (or still
// absent), retrying when another writer came first. The value stays
// decimal text in "v", which is how goforj/cache's driver reads and
// writes counters. An expired counter restarts at delta; a positive ttl
// restarts the lifetime, a zero one keeps it.
func (s *store) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	for attempt := range maxCounterAttempts {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if attempt > 0 {
			// A short random pause spreads out writers that collided.
			t := time.NewTimer(time.Duration(rand.Int64N(int64(attempt%8+1) * int64(time.Millisecond))))
			select {
			case <-ctx.Done():
				t.Stop()
				return 0, ctx.Err()
			case <-t.C:
			}
		}
		n, done, err := s.incrementOnce(ctx, key, delta, ttl)
		if err != nil || done {
			return n, err
		}
	}
	return 0, fmt.Errorf("%w: %q", ErrContention, key)
}

// incrementOnce is one round of Increment; done is false when another
// writer changed the item between the read and the write.
func (s *store) incrementOnce(ctx context.Context, key string, delta int64, ttl time.Duration) (n int64, done bool, err error) {
	it, err := s.getItem(ctx, key)
	if err != nil {
		return 0, false, fail(ctx, "increment", err)
	}
	now := s.now()
	nowMs := now.UnixMilli()
	oldEA := expiry(it)
	var cur []byte
	found := live(it, nowMs)
	if found {
		v, ok := it[attrValue].(*types.AttributeValueMemberB)
		if !ok {
			return 0, false, fmt.Errorf("%w: %q", cachecore.ErrNotNumeric, key)
		}
		cur = v.Value
	}
	n, text, err := cachecore.AddCounter(cur, found, delta)
	if err != nil {
		return 0, false, fmt.Errorf("dynamocache: %q: %w", key, err)
	}
	ea := cachecore.ExpiresAtMilli(now, ttl)
	if ttl <= 0 && found {
		ea = oldEA
	}
	in := &dynamodb.PutItemInput{
		TableName:                s.table,
		Item:                     item(key, text, ea),
		ExpressionAttributeNames: map[string]string{"#k": attrKey},
	}
	if it == nil {
		in.ConditionExpression = aws.String("attribute_not_exists(#k)")
	} else {
		// The item as read: same value and same expiry, so that a write by
		// another process in between fails this one. An item without a
		// value is not a cache item; it can only be an expired one here,
		// because a live one was refused above as not numeric.
		in.ExpressionAttributeNames = map[string]string{"#v": attrValue, "#ea": attrExpiry}
		in.ExpressionAttributeValues = map[string]types.AttributeValue{}
		cond := "attribute_not_exists(#v)"
		if v, has := it[attrValue]; has {
			cond = "#v = :v"
			in.ExpressionAttributeValues[":v"] = v
		}
		if ea, has := it[attrExpiry]; has {
			cond += " AND #ea = :ea"
			in.ExpressionAttributeValues[":ea"] = ea
		} else {
			cond += " AND attribute_not_exists(#ea)"
		}
		in.ConditionExpression = aws.String(cond)
	}
	_, err = s.client.PutItem(ctx, in)
	if isConditionFailed(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fail(ctx, "increment", err)
	}
	return n, true, nil
}

func (s *store) Decrement(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	neg, err := cachecore.NegateDelta(delta)
	if err != nil {
		return 0, err
	}
	return s.Increment(ctx, key, neg, ttl)
}

func (s *store) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: s.table, Key: keyAttr(key)}); err != nil {
		return fail(ctx, "delete", err)
	}
	return nil
}

// batchSize is the most requests BatchWriteItem accepts in one call.
const batchSize = 25

// maxUnprocessedRounds bounds the resubmissions of items the server left
// unprocessed (throttling) in one batch.
const maxUnprocessedRounds = 10

// ErrUnprocessed is returned when the server kept refusing part of a
// batch delete.
var ErrUnprocessed = errors.New("dynamocache: server left deletes unprocessed")

// DeleteMany deletes in BatchWriteItem calls of batchSize, without the
// duplicates BatchWriteItem refuses, resubmitting what the server leaves
// unprocessed.
func (s *store) DeleteMany(ctx context.Context, keys ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	seen := make(map[string]struct{}, len(keys))
	var reqs []types.WriteRequest
	for _, k := range keys {
		if _, dup := seen[k]; dup {
			continue
		}
		seen[k] = struct{}{}
		reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: keyAttr(k)}})
	}
	for len(reqs) > 0 {
		n := min(batchSize, len(reqs))
		if err := s.writeBatch(ctx, reqs[:n]); err != nil {
			return err
		}
		reqs = reqs[n:]
	}
	return nil
}

func (s *store) writeBatch(ctx context.Context, reqs []types.WriteRequest) error {
	for range maxUnprocessedRounds {
		out, err := s.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{*s.table: reqs},
		})
		if err != nil {
			return fail(ctx, "delete", err)
		}
		reqs = out.UnprocessedItems[*s.table]
		if len(reqs) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return ErrUnprocessed
}

// Flush of the unprefixed store removes every item of the table, never
// the table itself. New always configures a prefix, so through New it is
// FlushPrefix of that prefix.
func (s *store) Flush(ctx context.Context) error { return s.FlushPrefix(ctx, "") }

// FlushPrefix deletes the items whose key starts with prefix, found with a
// Scan, page by page. It leaves every other item alone, so caches with
// different prefixes can share a table. Items written while it runs may
// survive it.
func (s *store) FlushPrefix(ctx context.Context, prefix string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.scan(ctx, prefix, func(page []map[string]types.AttributeValue) error {
		keys := make([]string, 0, len(page))
		for _, it := range page {
			if k, ok := it[attrKey].(*types.AttributeValueMemberS); ok {
				keys = append(keys, k.Value)
			}
		}
		return s.DeleteMany(ctx, keys...)
	})
}

// scan calls fn with each page of items whose key starts with prefix
// until the scan ends, fn fails or ctx ends.
func (s *store) scan(ctx context.Context, prefix string, fn func([]map[string]types.AttributeValue) error) error {
	in := &dynamodb.ScanInput{TableName: s.table, ConsistentRead: aws.Bool(true)}
	if prefix != "" {
		in.FilterExpression = aws.String("begins_with(#k, :p)")
		in.ExpressionAttributeNames = map[string]string{"#k": attrKey}
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: prefix}}
	}
	return s.scanPages(ctx, in, fn)
}

// scanPages runs the Scan in, calling fn with each page of items, until
// the scan ends, fn fails or ctx ends.
func (s *store) scanPages(ctx context.Context, in *dynamodb.ScanInput, fn func([]map[string]types.AttributeValue) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		out, err := s.client.Scan(ctx, in)
		if err != nil {
			return fail(ctx, "scan", err)
		}
		if len(out.Items) > 0 {
			if err := fn(out.Items); err != nil {
				return err
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			return nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// CompareAndDelete deletes key only while its live item holds expected;
// the server checks that in the delete's condition, which is what makes a
// lock release by a holder whose lease ran out harmless to the next holder.
func (s *store) CompareAndDelete(ctx context.Context, key string, expected []byte) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if expected == nil {
		expected = []byte{}
	}
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                s.table,
		Key:                      keyAttr(key),
		ConditionExpression:      aws.String("#v = :v AND (attribute_not_exists(#ea) OR #ea > :now)"),
		ExpressionAttributeNames: map[string]string{"#v": attrValue, "#ea": attrExpiry},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":v":   &types.AttributeValueMemberB{Value: expected},
			":now": numAttr(s.now().UnixMilli()),
		},
	})
	if isConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fail(ctx, "compare and delete", err)
	}
	return true, nil
}
