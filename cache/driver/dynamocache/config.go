package dynamocache

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Defaults New applies to a zero Config, those of goforj/cache's DynamoDB
// driver, so that a process using either reads the other's entries.
const (
	// DefaultPrefix namespaces the keys of a Config without a Prefix:
	// logical key k is stored as "app:k".
	DefaultPrefix = "app"
	// DefaultTTL is the lifetime of entries written without one.
	DefaultTTL = 5 * time.Minute
	// DefaultRegion is the region of a client New builds.
	DefaultRegion = "us-east-1"
	// DefaultTable is the table used when Config.Table is empty.
	DefaultTable = "cache_entries"
)

// DynamoAPI is the part of the DynamoDB API the store uses; *dynamodb.Client
// satisfies it. It is goforj/cache's DynamoAPI plus UpdateItem.
type DynamoAPI interface {
	GetItem(ctx context.Context, params *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, params *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, params *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, params *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	BatchWriteItem(ctx context.Context, params *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	Scan(ctx context.Context, params *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
	CreateTable(ctx context.Context, params *dynamodb.CreateTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	DescribeTable(ctx context.Context, params *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

// Config configures New. Its zero value works against AWS with the
// default region and table.
type Config struct {
	// BaseConfig shapes keys and values; see cachecore.WrapStore. An empty
	// Prefix means DefaultPrefix and a zero DefaultTTL means DefaultTTL,
	// as in goforj/cache. A Prefix must not contain ":".
	cachecore.BaseConfig

	// Client, when set, is used instead of one built from Endpoint and
	// Region, which are then ignored.
	Client DynamoAPI
	// Endpoint is the server's URL, such as "http://127.0.0.1:8000" for a
	// local DynamoDB; empty means AWS's endpoint for Region.
	Endpoint string
	// Region is the client's region; empty means DefaultRegion.
	Region string
	// Table names the table, created by New when missing; empty means
	// DefaultTable.
	Table string
}

// maxAttempts bounds the SDK's own retries, so that a failing server is
// reported after a few round trips rather than after the SDK's backoff.
const maxAttempts = 2

// newClient builds the client for cfg. Credentials are static
// placeholders, as in goforj/cache: a local server ignores them, and
// against AWS pass a Client built with real ones.
func newClient(cfg Config) *dynamodb.Client {
	region := cfg.Region
	if region == "" {
		region = DefaultRegion
	}
	o := dynamodb.Options{
		Region:           region,
		RetryMaxAttempts: maxAttempts,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "dummy", SecretAccessKey: "dummy", Source: "dynamocache"}, nil
		}),
	}
	if cfg.Endpoint != "" {
		o.BaseEndpoint = aws.String(cfg.Endpoint)
	}
	return dynamodb.New(o)
}
