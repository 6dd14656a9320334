package main

import "testing"

// The policy's flags are checked before anything is opened.
func TestServeRefusesAPolicyOutOfRange(t *testing.T) {
	dir := t.TempDir()
	runCLICases(t, []cliCase{
		{"anonymity minimum 0", []string{"serve", "--tokens", "t.json", "--data", dir, "--anonymity-min", "0"}, 1, "",
			"cadena: --anonymity-min 0: want at least 1 rating"},
		{"minimum volume 0", []string{"serve", "--tokens", "t.json", "--data", dir, "--min-volume", "0"}, 1, "",
			"cadena: --min-volume 0: want at least 1 hand-off"},
		{"unknown time zone", []string{"serve", "--tokens", "t.json", "--data", dir, "--timezone", "Mars/Olympus"}, 1, "",
			`cadena: --timezone "Mars/Olympus": unknown time zone Mars/Olympus`},
		{"help names --min-volume", []string{"help", "serve"}, 0, "-min-volume int", ""},
	})
}
