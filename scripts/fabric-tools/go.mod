// Pins the Fabric release whose binaries scripts/install-fabric.sh builds with `go install`.
// Fabric's module path has no /v2 suffix, so releases are addressed by pseudo-version:
// v2.5.9 = commit 7c3876255bf064b789a839ce347b6a02adb6333c.
module ecar.local/fabric-tools

go 1.22

require github.com/hyperledger/fabric v1.4.0-rc1.0.20240618194258-7c3876255bf0
