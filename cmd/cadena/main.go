// Command cadena records the hand-offs between departments as events and
// serves the figures that show how well they serve each other.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "cadena: no subcommands yet")
	os.Exit(2)
}
