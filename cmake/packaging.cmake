# Installation layout and the Debian package (included by the top-level
# CMakeLists.txt when present).
#
#   cmake --install build [--prefix DIR]
#     bin/migrate                        the binary (top-level CMakeLists.txt)
#     share/migrate/schemas/             the JSON Schema of YAML revisions (top-level CMakeLists.txt)
#     share/man/man1/migrate.1.gz        the man page (cmake/manpage.cmake)
#     share/bash-completion, share/zsh, share/fish: completions (cmake/completions_docs.cmake)
#     share/doc/migrate/                 README, docs, changelog.gz (cmake/completions_docs.cmake)
#
#   cd build && cpack -G DEB
#     migrate_<version>_<arch>.deb, installing under /usr, with Depends
#     computed by dpkg-shlibdeps from the libraries the binary links.

include(GNUInstallDirs)
include(${CMAKE_CURRENT_LIST_DIR}/manpage.cmake)

set(MIGRATE_PACKAGE_MAINTAINER "migrate maintainers <maintainers@users.noreply.r-seed-fb6ee682.example>"
    CACHE STRING "Maintainer field of the Debian package")
include(${CMAKE_CURRENT_LIST_DIR}/completions_docs.cmake)

set(CPACK_PACKAGE_NAME "migrate")
set(CPACK_PACKAGE_VENDOR "migrate maintainers")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${MIGRATE_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "safe PostgreSQL schema migrations under live traffic")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "migrate")
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR "DEB")

# Debian: installed under /usr, file name migrate_<version>_<arch>.deb.
set(CPACK_DEBIAN_PACKAGE_NAME "migrate")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${MIGRATE_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION "database")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql-client")
# CPack puts the summary above as the first line of the Description field
# and indents these lines itself; an empty line separates paragraphs.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "migrate applies revision files (SQL or declarative YAML) to a PostgreSQL
database from CI/CD without stalling the application: DDL runs under a
short lock_timeout with retries and reports the sessions that block it,
YAML operations become expand/contract steps with sync triggers and
batched, resumable backfills, and a database holding revisions the files
do not know (a hotfix branch) is refused with a message saying what to do.

It replaces Alembic / Flask-Migrate for continuously deployed services:
upgrade, downgrade, contract, stamp, status, history, heads, show,
resolve-branch, lint and lock status / lock clear, with stable exit codes
and JSON output.")

# `make package_source`: the tree without build directories or git.
set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/\\\\.cache/" "~$")

include(CPack)
