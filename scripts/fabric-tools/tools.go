//go:build tools

// Package tools exists so this folder is a Go module; the binaries are installed by
// scripts/install-fabric.sh from the Fabric module this go.mod pins.
package tools
