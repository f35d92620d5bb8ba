#!/usr/bin/env bash
# Builds the native TensorFlow backend (@tensorflow/tfjs-node, installed as node_modules/tfjs-node-native) offline,
# against TensorFlow's own Linux wheel from PyPI instead of the libtensorflow archive its install script downloads.
#
#   npm run native:build            (or: bash scripts/native-backend.sh)
#
# Steps, each skipped when its output is already there:
#   1. a virtual environment .venv-native/ (gitignored) whose pip downloads tensorflow-cpu==$TF_VERSION
#      (the version tfjs-node 4.22 was built against; its wheels are for CPython <= 3.10, so it is downloaded for
#      3.10 without installing it: only its files are used, never its Python code);
#   2. the tfjs-node package files, `npm install --no-save --ignore-scripts` (package.json and package-lock.json
#      stay as they are; the script checks);
#   3. node_modules/tfjs-node-native/deps/: the C headers and the shared libraries from the wheel.
#      The wheel has no libtensorflow.so: the C API (TF_*, TFE_*) is exported by
#      tensorflow/python/_pywrap_tensorflow_internal.so, which also refers to ~190 CPython symbols (Py*) that it
#      only uses when imported by Python. A small stub library defines them (functions abort with a message if
#      ever called; data are zeroed blocks), and deps/lib/libtensorflow.so is a linker script naming the pywrap
#      library and the stubs, so tfjs-node's binding.gyp (-ltensorflow -ltensorflow_framework) links unchanged;
#   4. the binding, `node-gyp rebuild` with Node's installed headers (--nodedir, no header download);
#   5. a check: require('tfjs-node-native') registers the 'tensorflow' backend and computes a matMul.
#
# Linux x86_64 only. Needs python3 (venv), g++/make, binutils (nm, readelf). `npm ci` removes node_modules, so
# run this again after it. Environment: NATIVE_VENV (default .venv-native), NATIVE_FORCE=1 rebuilds everything.
set -euo pipefail

TF_VERSION=2.9.1
TFJS_NODE_VERSION=4.22.0
PKG_ALIAS=tfjs-node-native

cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${NATIVE_VENV:-$ROOT/.venv-native}
WHEEL_DIR=$VENV/wheels
PKG=$ROOT/node_modules/$PKG_ALIAS
DEPS=$PKG/deps
FORCE=${NATIVE_FORCE:-0}
started=$(date +%s)

say() { echo "native: $*" >&2; }
fail() { echo "native: FAILED: $*" >&2; exit 1; }
step_time() { say "$1 ($(($(date +%s) - started)) s so far)"; }

[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || fail "only Linux x86_64 is supported here (this is $(uname -s)-$(uname -m))"
for tool in gcc g++ make nm readelf python3 node npm; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install build-essential binutils python3-venv)"
done

# 1. The wheel.
if [ ! -x "$VENV/bin/pip" ]; then
  say "creating $VENV"
  python3 -m venv "$VENV" || fail "python3 -m venv $VENV failed (Debian: apt-get install python3-venv)"
fi
wheel=$(ls "$WHEEL_DIR"/tensorflow_cpu-"$TF_VERSION"-*.whl 2>/dev/null | head -1 || true)
if [ -z "$wheel" ]; then
  say "downloading tensorflow-cpu==$TF_VERSION (~210 MB)"
  "$VENV/bin/pip" download --quiet --no-deps --only-binary=:all: --python-version 3.10 \
    --platform manylinux2014_x86_64 --platform manylinux2010_x86_64 \
    "tensorflow-cpu==$TF_VERSION" -d "$WHEEL_DIR" || fail "pip download tensorflow-cpu==$TF_VERSION failed"
  wheel=$(ls "$WHEEL_DIR"/tensorflow_cpu-"$TF_VERSION"-*.whl | head -1)
fi
step_time "wheel: $wheel"

# 2. The package files.
installed_version() { node -p "try { const p = require('$PKG/package.json'); p.name + '@' + p.version } catch { '' }" 2>/dev/null; }
if [ "$(installed_version)" != "@tensorflow/tfjs-node@$TFJS_NODE_VERSION" ] || [ ! -d "$ROOT/node_modules/@mapbox/node-pre-gyp" ]; then
  say "installing $PKG_ALIAS (package files only, no install script)"
  lock_before=$(sha256sum package.json package-lock.json)
  npm install --no-save --ignore-scripts --no-audit --no-fund "$PKG_ALIAS@npm:@tensorflow/tfjs-node@$TFJS_NODE_VERSION" >&2 \
    || fail "npm install of $PKG_ALIAS failed"
  [ "$(sha256sum package.json package-lock.json)" = "$lock_before" ] \
    || fail "npm install changed package.json or package-lock.json; restore them with git checkout"
fi
[ "$(installed_version)" = "@tensorflow/tfjs-node@$TFJS_NODE_VERSION" ] || fail "$PKG is not @tensorflow/tfjs-node@$TFJS_NODE_VERSION"
step_time "package: $PKG"

# 3. deps/: headers, libraries, stubs, linker script.
PYWRAP=_pywrap_tensorflow_internal.so
FRAMEWORK=libtensorflow_framework.so.2
if [ "$FORCE" = 1 ] || [ ! -f "$DEPS/lib/$PYWRAP" ] || [ ! -f "$DEPS/lib/$FRAMEWORK" ] || [ ! -f "$DEPS/include/tensorflow/c/c_api.h" ]; then
  say "extracting headers and libraries from the wheel"
  rm -rf "$DEPS"
  mkdir -p "$DEPS/lib" "$DEPS/include"
  "$VENV/bin/python" - "$wheel" "$DEPS" "$PYWRAP" "$FRAMEWORK" <<'PY'
import os, shutil, sys, zipfile
wheel, deps, pywrap, framework = sys.argv[1:]
libs = {f'tensorflow/python/{pywrap}': pywrap, f'tensorflow/{framework}': framework}
include_prefix = 'tensorflow/include/'
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name in libs:
            target = os.path.join(deps, 'lib', libs[name])
        elif name.startswith(include_prefix + 'tensorflow/c/') or name.startswith(include_prefix + 'tensorflow/core/platform/ctstring'):
            target = os.path.join(deps, 'include', name[len(include_prefix):])
        else:
            continue
        if name.endswith('/'):
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(name) as src, open(target, 'wb') as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
missing = [v for v in libs.values() if not os.path.exists(os.path.join(deps, 'lib', v))]
if missing:
    sys.exit(f'not in {wheel}: {missing}')
PY
fi
# (grep without -q: with pipefail, nm killed by SIGPIPE after an early grep -q exit would count as a failure)
nm -D --defined-only "$DEPS/lib/$PYWRAP" | grep -E ' T TFE_NewContext(@@.*)?$' >/dev/null \
  || fail "$PYWRAP does not export the C API (TFE_NewContext); not a TensorFlow 2.x wheel?"

STUBS=libtfjs_pystubs.so
if [ "$FORCE" = 1 ] || [ ! -f "$DEPS/lib/$STUBS" ]; then
  say "building $STUBS (CPython symbols the pywrap library refers to)"
  stub_src=$(mktemp --suffix=.c)
  {
    echo '/* Generated by scripts/native-backend.sh: CPython symbols referred to by '"$PYWRAP"'. Never used by tfjs-node. */'
    echo '#include <stdio.h>'
    echo '#include <stdlib.h>'
    echo 'static void tfjs_pystub_called(const char *name) {'
    echo '  fprintf(stderr, "tfjs-node-native: CPython function %s called without Python (stub from scripts/native-backend.sh)\n", name);'
    echo '  abort();'
    echo '}'
    # Functions are called through the PLT (R_X86_64_JUMP_SLOT); everything else is data whose address is taken.
    readelf -rW "$DEPS/lib/$PYWRAP" | awk '$3 == "R_X86_64_JUMP_SLOT" && $5 ~ /^_?Py/ { print $5 }' | sort -u |
      while read -r fn; do echo "void $fn(void) { tfjs_pystub_called(\"$fn\"); }"; done
    readelf -rW "$DEPS/lib/$PYWRAP" | awk '$3 != "R_X86_64_JUMP_SLOT" && $3 ~ /^R_X86_64/ && $5 ~ /^_?Py/ { print $5 }' | sort -u |
      while read -r obj; do echo "char $obj[1024] __attribute__((aligned(64)));"; done
  } > "$stub_src"
  gcc -shared -fPIC -O1 -w -o "$DEPS/lib/$STUBS" -Wl,-soname,$STUBS "$stub_src" || fail "compiling $stub_src failed"
  rm -f "$stub_src"
fi
# Every CPython symbol must be defined now (weak ones may stay undefined).
unresolved=$(comm -23 \
  <(nm -D --undefined-only "$DEPS/lib/$PYWRAP" | awk '$1 == "U" && $2 ~ /^_?Py/ { print $2 }' | sort -u) \
  <(nm -D --defined-only "$DEPS/lib/$STUBS" | awk '{ print $3 }' | sort -u))
[ -z "$unresolved" ] || fail "symbols without a stub: $(echo "$unresolved" | head -5 | tr '\n' ' ')"

# binding.gyp links -ltensorflow -ltensorflow_framework with rpath $ORIGIN/../../deps/lib.
printf '/* Generated by scripts/native-backend.sh: the wheel has no libtensorflow.so; its C API is in %s. */\nINPUT(%s %s)\n' \
  "$PYWRAP" "$DEPS/lib/$PYWRAP" "$DEPS/lib/$STUBS" > "$DEPS/lib/libtensorflow.so"
ln -sf "$FRAMEWORK" "$DEPS/lib/libtensorflow_framework.so"
step_time "deps: $DEPS"

# 4. The binding.
NODE_GYP=${npm_config_node_gyp:-$(npm prefix -g)/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js}
[ -f "$NODE_GYP" ] || fail "node-gyp not found at $NODE_GYP (set npm_config_node_gyp)"
NODE_DIR=${NATIVE_NODEDIR:-$(dirname "$(dirname "$(command -v node)")")}
[ -f "$NODE_DIR/include/node/node_api.h" ] || fail "Node's headers are not in $NODE_DIR/include/node (Debian: the nodejs package has them; else set NATIVE_NODEDIR)"
NAPI=$(node -p "Math.max(...require('$PKG/package.json').binary.napi_versions.filter((v) => v <= Number(process.versions.napi)))")
MODULE_PATH=$PKG/lib/napi-v$NAPI
if [ "$FORCE" = 1 ] || [ ! -f "$MODULE_PATH/tfjs_binding.node" ]; then
  say "building the binding (N-API $NAPI) with $NODE_GYP"
  (cd "$PKG" && node "$NODE_GYP" rebuild --nodedir="$NODE_DIR" --jobs="$(nproc)" \
    --module_name=tfjs_binding --module_path="$MODULE_PATH" --napi_build_version="$NAPI") >&2 \
    || fail "node-gyp rebuild failed in $PKG"
fi
step_time "binding: $MODULE_PATH/tfjs_binding.node"

# 5. The check (TensorFlow's INFO log lines off, as src/model/backend.ts does, unless set).
TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2} node -e "
const tf = require('$PKG_ALIAS');
if (tf.getBackend() !== 'tensorflow') throw new Error('backend is ' + tf.getBackend() + ', not tensorflow');
const product = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync();
if (product[0] !== 17 || product[1] !== 39) throw new Error('matMul gave ' + Array.from(product));
console.error('native: OK: tfjs-node ' + tf.version['tfjs-node'] + ', TensorFlow ' + tf.backend().binding.TF_Version + ', backend ' + tf.getBackend());
" || fail "the built tfjs-node does not load or compute"
step_time "done"
