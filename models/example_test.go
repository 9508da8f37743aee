package models_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/antwort-dev/antwort/models"
)

func Example() {
	dir, err := os.MkdirTemp("", "models-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	s, err := models.Open(filepath.Join(dir, "antwort.db"), &models.Options{Timeout: time.Second})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	// Train elsewhere; the store only sees the encoded model.
	for _, blob := range []string{"weights v1", "weights v2"} {
		info, err := s.Save(ctx, "intent", models.Info{
			Kind:     "nb",
			Examples: 120,
			Labels:   map[string]int{"refund": 70, "shipping": 50},
		}, []byte(blob))
		if err != nil {
			log.Fatal(err)
		}
		if err := s.Activate(ctx, "intent", info.Version); err != nil {
			log.Fatal(err)
		}
	}

	info, blob, err := s.Load(ctx, "intent", 0) // 0 = the active version
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("active: v%d %s %q\n", info.Version, info.Kind, blob)

	// Version 2 misbehaves in production: go back to version 1.
	info, err = s.Rollback(ctx, "intent")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("rolled back to v%d\n", info.Version)

	list, err := s.List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, info := range list {
		fmt.Printf("%s v%d size=%d active=%t\n", info.Name, info.Version, info.Size, info.Active)
	}
	// Output:
	// active: v2 nb "weights v2"
	// rolled back to v1
	// intent v1 size=10 active=true
	// intent v2 size=10 active=false
}
