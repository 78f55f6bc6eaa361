package dynamocache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// New returns a store on the table cfg names, shaped by cfg.BaseConfig
// through cachecore.WrapStore after applying DefaultPrefix and DefaultTTL,
// as goforj/cache's driver does. It validates cfg.BaseConfig first, then
// makes sure the table exists, creating it (key "k", on-demand billing)
// and waiting until it is active, within ctx. Any failure is returned with
// a nil store, so a bad configuration fails closed.
func New(ctx context.Context, cfg Config) (cachecore.Store, error) {
	base := cfg.BaseConfig
	if base.Prefix == "" {
		base.Prefix = DefaultPrefix
	}
	if base.DefaultTTL <= 0 {
		base.DefaultTTL = DefaultTTL
	}
	if err := cachecore.ValidateBaseConfig(base); err != nil {
		return nil, err
	}
	table := cfg.Table
	if table == "" {
		table = DefaultTable
	}
	client := cfg.Client
	if client == nil {
		client = newClient(cfg)
	}
	if err := ensureTable(ctx, client, table); err != nil {
		return nil, err
	}
	return cachecore.WrapStore(newStore(client, table), base)
}

// tablePoll is the pause between checks of a table being created.
const tablePoll = 100 * time.Millisecond

// ensureTable creates table when it is missing and waits, within ctx,
// until it is active. Another process creating it at the same time is
// fine: the loser's CreateTable fails as in use and it waits as well.
func ensureTable(ctx context.Context, client DynamoAPI, table string) error {
	out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	var missing *types.ResourceNotFoundException
	if errors.As(err, &missing) {
		_, err = client.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String(table),
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(attrKey), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(attrKey), KeyType: types.KeyTypeHash}},
			BillingMode:          types.BillingModePayPerRequest,
		})
		var inUse *types.ResourceInUseException
		if err != nil && !errors.As(err, &inUse) {
			return fail(ctx, "create table "+table, err)
		}
		out = nil
	} else if err != nil {
		return fail(ctx, "describe table "+table, err)
	}
	for out == nil || out.Table == nil || out.Table.TableStatus != types.TableStatusActive {
		t := time.NewTimer(tablePoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("dynamocache: waiting for table %s: %w", table, ctx.Err())
		case <-t.C:
		}
		out, err = client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
		if err != nil && !errors.As(err, &missing) {
			return fail(ctx, "describe table "+table, err)
		}
	}
	return nil
}
