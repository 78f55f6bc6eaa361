package bench

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"time"
)

// buildTimeout bounds building a peer command, which the first time may
// compile its dependencies.
const buildTimeout = 5 * time.Minute

// BuildPeer builds the peer command of impl, cmd/peer-<impl.Name>, into
// dir and returns the binary's path. It runs the go command found in
// PATH (go test puts its own first) in the current directory, which must
// be inside this module.
func BuildPeer(impl Impl, dir string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	name := "peer-" + impl.Name
	out := filepath.Join(dir, name)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/"+name)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("bench: building %s: %w\n%s", name, err, msg)
	}
	return out, nil
}
