module github.com/seed3c1b93bc/groupcache

go 1.23
