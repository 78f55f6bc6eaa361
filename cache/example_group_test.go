package cache_test

import (
	"context"
	"fmt"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/cache"
)

// A group whose Getter loads from the database: Get[T] and Remember[T]
// decode what the Getter loaded, and Remember's loader runs only for keys
// the Getter reports not found. With an HTTPPool registered for the
// registry, the same code loads each key once for the whole cluster.
func ExampleNewGroupStore() {
	type User struct {
		Name string `json:"name"`
	}
	db := map[string]User{"user:1": {Name: "Ada"}}
	queries := 0
	registry := groupcache.NewRegistry() // a program would use groupcache.DefaultRegistry
	group := registry.NewGroup("users", 64<<20, cache.GroupGetter(func(_ context.Context, key string) (User, error) {
		queries++
		u, ok := db[key]
		if !ok {
			return User{}, cache.ErrNotFound
		}
		return u, nil
	}))
	c := cache.NewCache(cache.NewGroupStore(group))

	u, found, _ := cache.Get[User](c, "user:1")
	fmt.Println(u.Name, found, "queries:", queries)

	u, _ = cache.Remember(c, "user:1", time.Minute, func() (User, error) {
		return User{Name: "never called"}, nil
	})
	fmt.Println(u.Name, "queries:", queries)

	u, _ = cache.Remember(c, "user:2", time.Minute, func() (User, error) {
		return User{Name: "Grace"}, nil // user:2 is not in the database
	})
	u2, found, _ := cache.Get[User](c, "user:2")
	fmt.Println(u.Name, u2.Name, found)
	// Output:
	// Ada true queries: 1
	// Ada queries: 1
	// Grace Grace true
}
