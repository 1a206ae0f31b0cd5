#!/usr/bin/env bash
# The Debian package, as a user gets it: built with CPack from this build,
# unpacked into a scratch root (no root rights needed), and run from there
# with only its own plugins. lintian, when installed, must report no errors.
# Usage: test_package.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

cpack -G DEB -B "$work/out" --config "$build/CPackConfig.cmake" > cpack.log 2>&1 || { cat cpack.log; exit 1; }
deb=$(ls out/tandem_*.deb)
dpkg-deb -x "$deb" root
unset TANDEM_PLUGIN_PATH # the packaged plugins, found next to the packaged binaries
cli=root/usr/bin/tandem-cli

"$cli" --version | grep -q '^tandem-cli [0-9]'
"$cli" formats --json > formats.json
grep -q "\"plugin\": \"$work/root/usr/lib/tandem/plugins/tandem_format_llava.so\"" formats.json \
    || { echo "formats not loaded from the package:"; cat formats.json; exit 1; }
"$cli" demo demo.tandem --images 6 --quiet
"$cli" info demo.tandem --json | grep -q '"images": 6'
# The model backend plugin loads from the package too (LibTorch from the system).
"$cli" train demo.tandem --epochs 1 --batch 4 --image-size 32 --checkpoint m.ckpt --quiet --threads 1
test -s m.ckpt

zcat root/usr/share/man/man1/tandem-cli.1.gz | grep -q '^\.TH'
test -f root/usr/share/doc/tandem/copyright
if [ -x root/usr/bin/tandem ]; then # built with the GUI
  # --help and --version of the window need no display.
  env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM root/usr/bin/tandem --version | grep -q '^Tandem [0-9]'
  zcat root/usr/share/man/man1/tandem.1.gz | grep -q '^\.TH'
  test -f root/usr/share/applications/tandem.desktop
  test -f root/usr/share/metainfo/org.tandem.Tandem.metainfo.xml
fi

if command -v lintian > /dev/null; then
  lintian --fail-on error "$deb"
fi
echo "package ok: $(basename "$deb")"
