package container_test

import (
	"context"
	"fmt"

	"github.com/testcontainers/testcontainers-go"

	"github.com/partnero-fake/partnero-fake/testkit"
	"github.com/partnero-fake/partnero-fake/testkit/container"
)

// Run is Start without a test: the caller terminates the container.
func ExampleRun() {
	ctx := context.Background()
	img, err := container.Image(ctx) // $PARTNERO_FAKE_IMAGE, or built from source
	if err != nil {
		fmt.Println(err)
		return
	}
	ctr, err := container.Run(ctx, img, testkit.WithDemoFixtures())
	defer func() {
		if err := testcontainers.TerminateContainer(ctr); err != nil {
			fmt.Println(err)
		}
	}()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ctr.APIURL) // point the Partnero client here
}
