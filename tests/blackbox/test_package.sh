#!/usr/bin/env bash
# Packaging (cmake/packaging.cmake): the build tree that holds the binary under
# test makes a Debian package with the binary, the man page and the JSON
# Schema, the shell completions generated from the CLI, the docs and the
# Debian changelog, its Depends computed from the linked libraries; the binary
# extracted from the package runs and its bash completion completes.
# `cmake --install --prefix` lays out the same files.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v cpack >/dev/null 2>&1 || skip "cpack is not installed"
command -v dpkg-deb >/dev/null 2>&1 || skip "dpkg-deb is not installed"

build_dir=$(cd "$(dirname "$MIGRATE_BIN")" && pwd)
[[ -f "$build_dir/CPackConfig.cmake" ]] ||
  fail "$build_dir/CPackConfig.cmake is missing: cmake/packaging.cmake was not included at configure time"

run_migrate --version
assert_rc 0
version_line=$OUT
[[ "$version_line" =~ ^migrate\ ([0-9]+\.[0-9]+\.[0-9]+)$ ]] || fail "unexpected --version output: $version_line"
version=${BASH_REMATCH[1]}

# --- cmake --install: bin, man page, schema -----------------------------------
prefix=$(scratch_dir)
cmake --install "$build_dir" --prefix "$prefix" >"$prefix.log" 2>&1 || fail "cmake --install failed: $(cat "$prefix.log")"
extras=(share/bash-completion/completions/migrate share/zsh/vendor-completions/_migrate
  share/fish/vendor_completions.d/migrate.fish share/doc/migrate/README.md
  share/doc/migrate/changelog.gz share/doc/migrate/copyright share/doc/migrate/docs/json.md)
for file in bin/migrate share/man/man1/migrate.1.gz share/migrate/schemas/revision.schema.json "${extras[@]}"; do
  [[ -f "$prefix/$file" ]] || fail "cmake --install did not install $file"
done
assert_eq "$version_line" "$("$prefix/bin/migrate" --version)" "the installed binary's version"

# --- cpack -G DEB ---------------------------------------------------------------
# -B keeps the package and cpack's staging out of the build tree.
out=$(scratch_dir)
(cd "$build_dir" && cpack --config CPackConfig.cmake -G DEB -B "$out") >"$out.log" 2>&1 ||
  fail "cpack -G DEB failed: $(cat "$out.log")"
deb=$out/migrate_${version}_$(dpkg --print-architecture 2>/dev/null || echo amd64).deb
[[ -f "$deb" ]] || fail "expected $deb; cpack made: $(cd "$out" && ls -1 ./*.deb 2>/dev/null)"

contents=$(dpkg-deb -c "$deb")
for file in ./usr/bin/migrate ./usr/share/man/man1/migrate.1.gz ./usr/share/migrate/schemas/revision.schema.json "${extras[@]/#/./usr/}"; do
  grep -qE " $file\$" <<<"$contents" || fail "the package lacks $file:"$'\n'"$contents"
done

assert_eq "migrate" "$(dpkg-deb -f "$deb" Package)" "package name"
assert_eq "$version" "$(dpkg-deb -f "$deb" Version)" "package version"
[[ -n "$(dpkg-deb -f "$deb" Maintainer)" ]] || fail "the package has no Maintainer"
[[ -n "$(dpkg-deb -f "$deb" Section)" ]] || fail "the package has no Section"
depends=$(dpkg-deb -f "$deb" Depends)
# dpkg-shlibdeps names the runtime libraries the binary links.
[[ "$depends" == *libpqxx* && "$depends" == *libc6* ]] || fail "Depends lacks libpqxx or libc6: '$depends'"

root=$(scratch_dir)
dpkg-deb -x "$deb" "$root"
extracted=$root/usr/bin/migrate
[[ -x "$extracted" ]] || fail "usr/bin/migrate in the package is not executable"
if extracted_version=$("$extracted" --version); then :; else fail "the packaged binary's --version exited $?"; fi
assert_eq "$version_line" "$extracted_version" "the packaged binary's version"
gzip -t "$root/usr/share/man/man1/migrate.1.gz" || fail "the man page is not a valid gzip file"
man_page=$(gzip -dc "$root/usr/share/man/man1/migrate.1.gz")
for section in '.SH NAME' '.SH COMMANDS' '.SH "EXIT STATUS"' '.SH ENVIRONMENT' '.SH FILES'; do
  grep -qF "$section" <<<"$man_page" || fail "the man page lacks the section $section"
done
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$root/usr/share/migrate/schemas/revision.schema.json" ||
  fail "the packaged JSON Schema is not valid JSON"

# The Debian changelog: gzip -9n, naming this version.
gzip -t "$root/usr/share/doc/migrate/changelog.gz" || fail "changelog.gz is not a valid gzip file"
[[ "$(gzip -dc "$root/usr/share/doc/migrate/changelog.gz" | head -1)" == "migrate ($version) "* ]] ||
  fail "changelog.gz does not start with version $version"

# lintian (when installed) finds the changelog where Debian policy wants it.
if command -v lintian >/dev/null 2>&1; then
  tags=$(lintian --tag-display-limit 0 "$deb" 2>/dev/null || true)
  [[ "$tags" != *changelog* ]] || fail "lintian reports a changelog problem:"$'\n'"$tags"
  [[ "$tags" != *copyright* ]] || fail "lintian reports a copyright problem:"$'\n'"$tags"
fi

# The completions are the binary's own, and bash completes with them.
assert_eq "$("$extracted" completion bash)" "$(cat "$root/usr/share/bash-completion/completions/migrate")" \
  "the packaged bash completion is what the binary generates"
completed=$(bash -c 'source "$1"; COMP_WORDS=(migrate lock c); COMP_CWORD=2; _migrate; echo "${COMPREPLY[*]}"
  COMP_WORDS=(migrate --dir x up); COMP_CWORD=3; _migrate; echo "${COMPREPLY[*]}"
  COMP_WORDS=(migrate lint --f); COMP_CWORD=2; _migrate; echo "${COMPREPLY[*]}"' _ \
  "$root/usr/share/bash-completion/completions/migrate")
assert_eq $'clear\nupgrade\n--format' "$completed" "bash completion of 'lock c', 'up' and 'lint --f'"
grep -q "^complete -c migrate -n '__fish_use_subcommand' -a upgrade " "$root/usr/share/fish/vendor_completions.d/migrate.fish" ||
  fail "the fish completion does not offer upgrade"
grep -q "^#compdef migrate" "$root/usr/share/zsh/vendor-completions/_migrate" || fail "the zsh completion lacks #compdef"
if command -v zsh >/dev/null 2>&1; then zsh -n "$root/usr/share/zsh/vendor-completions/_migrate" || fail "zsh -n"; fi
if command -v fish >/dev/null 2>&1; then fish -n "$root/usr/share/fish/vendor_completions.d/migrate.fish" || fail "fish -n"; fi
run_migrate completion tcsh
assert_rc 2
assert_err_contains "no completion for shell 'tcsh'"

echo "package: $(basename "$deb") (Depends: $depends)"
