#!/usr/bin/env bash
# Checks the README's install steps (between <!-- install-steps:begin/end -->) as far as this
# machine allows, in a clean copy of the committed tree (git archive HEAD), as a new box would
# get it. Prints PASS/FAIL/SKIP per check and exits 1 if anything failed.
#
#   scripts/check-install.sh            npm ci / build / prune in the copy (needs the registry)
#   scripts/check-install.sh --offline  reuse this checkout's node_modules instead of npm ci
#
# Not checkable here, and said so at the end: apt packages and NodeSource on a real Pi, armhf
# and arm64 prebuilds being fetched, sudo, udev applying the rule to a real modem, systemd
# starting the unit, and usb_modeswitch switching a stick.
set -u
here="$(cd "$(dirname "$0")/.." && pwd)"
offline=0
[ "${1:-}" = "--offline" ] && offline=1
fails=0
pass() { printf 'PASS  %s\n' "$1"; }
fail() { printf 'FAIL  %s\n' "$1"; fails=$((fails + 1)); }
skip() { printf 'SKIP  %s\n' "$1"; }

readme="$here/README.md"
steps="$(sed -n '/<!-- install-steps:begin -->/,/<!-- install-steps:end -->/p' "$readme")"
[ -n "$steps" ] && pass "README has the marked install steps" || fail "README has no <!-- install-steps --> block"

# Node: the README asks for 20 or newer, and so does package.json.
major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
[ "$major" -ge 20 ] && pass "node $(node --version) >= 20 on this machine" || fail "node >= 20 (found $(node --version 2>/dev/null))"
grep -q '"node": ">=20"' "$here/package.json" && pass "package.json engines: node >=20" || fail "package.json engines.node is not >=20"
echo "$steps" | grep -q 'setup_2[0-9]\.x' && pass "Bookworm path names a Node >= 20 source (NodeSource 2x)" || fail "Bookworm Node source"

# node-pty is optional and loaded only by the simulator.
node -e '
  const p = require(process.argv[1]);
  if (p.dependencies && p.dependencies["node-pty"]) process.exit(1);
  if (!p.optionalDependencies || !p.optionalDependencies["node-pty"]) process.exit(1);' "$here/package.json" \
  && pass "node-pty is an optionalDependency" || fail "node-pty must be in optionalDependencies only"
bad="$(grep -rl "node-pty" "$here/src" | grep -v 'src/sim/modem/pty.ts' || true)"
[ -z "$bad" ] && pass "only src/sim/modem/pty.ts loads node-pty" || fail "node-pty loaded outside the simulator: $bad"

# Every repository file the steps and the setup name exists.
for f in bin/mmsgw.mjs systemd/mmsgw.service systemd/mmsgw-bearer-interface.conf systemd/mmsgw-privileged.conf systemd/udev/70-mmsgw-modem.rules config/mmsgw.example.yaml; do
  [ -e "$here/$f" ] && pass "file $f" || fail "missing $f"
done
head -1 "$here/bin/mmsgw.mjs" | grep -q '^#!/usr/bin/env node' && [ -x "$here/bin/mmsgw.mjs" ] && pass "bin/mmsgw.mjs is executable with a node shebang" || fail "bin/mmsgw.mjs shebang/mode"

# A clean copy of the committed tree, as `git clone` gives it.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
app="$work/opt/mmsgw"
mkdir -p "$app" "$work/bin"
if (cd "$here" && git archive HEAD) | tar -x -C "$app"; then pass "clean copy of HEAD in $app"; else fail "git archive"; fi

if [ "$offline" = 1 ]; then
  ln -s "$here/node_modules" "$app/node_modules" && skip "npm ci / npm prune --omit=dev (offline: reusing this checkout's node_modules)"
else
  (cd "$app" && npm ci --no-audit --no-fund >"$work/npm-ci.log" 2>&1) && pass "npm ci" || { fail "npm ci (see log below)"; tail -20 "$work/npm-ci.log"; }
fi
(cd "$app" && npm run build --silent >"$work/build.log" 2>&1) && pass "npm run build" || { fail "npm run build"; tail -20 "$work/build.log"; }
# npm start's prestart must not rebuild an unchanged tree.
out="$(cd "$app" && MMSGW_BUILD_VERBOSE=1 node scripts/build-if-stale.mjs 2>&1)"
echo "$out" | grep -q 'up to date' && pass "prestart does not rebuild an unchanged tree" || fail "prestart rebuilt an unchanged tree: $out"
if [ "$offline" = 0 ]; then
  (cd "$app" && npm prune --omit=dev --no-audit --no-fund >"$work/prune.log" 2>&1) && pass "npm prune --omit=dev" || fail "npm prune --omit=dev"
  [ ! -e "$app/node_modules/typescript" ] && pass "dev dependencies pruned" || fail "typescript still installed after prune"
fi

# The command on the PATH, through a symlink as step 3 makes it (no npx, no registry).
ln -s "$app/bin/mmsgw.mjs" "$work/bin/mmsgw"
export PATH="$work/bin:$PATH"
v="$(mmsgw version 2>&1)" && pass "mmsgw on the PATH: version $v" || fail "mmsgw version: $v"
mmsgw help setup >/dev/null 2>&1 && pass "mmsgw help setup" || fail "mmsgw help setup"
mmsgw config check "$app/config/mmsgw.example.yaml" --json >"$work/check.json" 2>"$work/check.err" \
  && node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); process.exit(r.valid?0:1)' "$work/check.json" \
  && pass "mmsgw config check on the example configuration" || { fail "mmsgw config check on the example"; cat "$work/check.err"; head -c 2000 "$work/check.json"; }
# setup --dry-run needs a modem: the simulator stands in where node-pty is built.
if node -e 'require.resolve("node-pty/build/Release/pty.node", { paths: [process.argv[1]] })' "$app" 2>/dev/null; then
  skip "setup --dry-run against the simulator: covered by test/setup/setup.test.ts"
else
  skip "node-pty not built: the simulator (demo, tests) is unavailable, as on a production install"
fi

# systemd: the main unit stays hardened ("OK"), and the drop-ins parse.
if command -v systemd-analyze >/dev/null 2>&1; then
  root="$work/root"
  mkdir -p "$root/etc/systemd/system"
  cp "$app/systemd/mmsgw.service" "$root/etc/systemd/system/"
  s="$(systemd-analyze security --offline=yes --root="$root" mmsgw.service 2>&1 | tail -1)"
  echo "$s" | grep -Eq 'exposure level for mmsgw.service: [0-9.]+ (OK|SAFE)' && pass "systemd-analyze security (main unit): ${s##*: }" || fail "systemd-analyze security: $s"
  for d in mmsgw-bearer-interface.conf mmsgw-privileged.conf; do
    mkdir -p "$root/etc/systemd/system/mmsgw.service.d"
    cp "$app/systemd/$d" "$root/etc/systemd/system/mmsgw.service.d/" 2>/dev/null || { fail "drop-in $d missing from the tree"; continue; }
    s="$(systemd-analyze security --offline=yes --root="$root" mmsgw.service 2>&1 | tail -1)"
    echo "$s" | grep -q 'exposure level' && pass "drop-in $d parses (with it: ${s##*: })" || fail "drop-in $d: $s"
    rm -rf "$root/etc/systemd/system/mmsgw.service.d"
  done
else
  skip "systemd-analyze not installed"
fi
if command -v udevadm >/dev/null 2>&1 && udevadm verify --help >/dev/null 2>&1; then
  udevadm verify "$app/systemd/udev/70-mmsgw-modem.rules" >/dev/null 2>&1 && pass "udevadm verify" || fail "udevadm verify"
else
  skip "udevadm verify (needs systemd >= 254); the rule's ids are checked by test/setup/sysfs.test.ts"
fi

cat <<'NOTE'
NOT CHECKED HERE: apt install of nodejs/npm on Trixie and NodeSource on Bookworm (network, a Pi),
prebuilt natives fetched for arm64/armv7, sudo and the mmsgw user, udev applying the rule to a
modem, systemd starting the unit, usb_modeswitch switching a stick, pppd on a real data port.
NOTE
[ "$fails" -eq 0 ] && echo "check-install: all checks passed" || echo "check-install: $fails check(s) failed"
[ "$fails" -eq 0 ]
