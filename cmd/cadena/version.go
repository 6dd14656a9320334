package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
)

// buildVersion is what the binary knows of its own build, from
// runtime/debug.ReadBuildInfo.
type buildVersion struct {
	Version   string // the module version; "(devel)" for a build from a work tree
	Revision  string // the VCS revision; "unknown" when the build did not stamp it
	Time      string // the revision's commit time; "" when unknown
	Modified  bool   // the work tree had changes the revision does not hold
	GoVersion string
}

// readBuildVersion reads the running binary's build information.
func readBuildVersion() buildVersion {
	info, ok := debug.ReadBuildInfo()
	return versionOf(info, ok)
}

func versionOf(info *debug.BuildInfo, ok bool) buildVersion {
	v := buildVersion{Version: "(devel)", Revision: "unknown", GoVersion: "unknown"}
	if !ok || info == nil {
		return v
	}
	if info.Main.Version != "" {
		v.Version = info.Main.Version
	}
	if info.GoVersion != "" {
		v.GoVersion = info.GoVersion
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// String is the line "cadena version" prints.
func (v buildVersion) String() string {
	s := "cadena " + v.Version + " revision " + v.Revision
	if v.Modified {
		s += " (modified)"
	}
	if v.Time != "" {
		s += " of " + v.Time
	}
	return s + ", built with " + v.GoVersion
}

// runVersion handles "cadena version" (and "cadena --version").
func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "", stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	_, err := fmt.Fprintln(stdout, readBuildVersion())
	return err
}

// newBuildInfo is the cadena_build_info gauge: always 1, the build in its
// labels.
func newBuildInfo(v buildVersion) prometheus.Collector {
	modified := "false"
	if v.Modified {
		modified = "true"
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "cadena_build_info",
		Help: "The running cadena's build: module version, VCS revision, whether the work tree was modified, Go version; always 1.",
		ConstLabels: prometheus.Labels{"version": v.Version, "revision": v.Revision,
			"modified": modified, "goversion": v.GoVersion},
	})
	g.Set(1)
	return g
}
