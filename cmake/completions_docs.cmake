# Shell completions and the documentation of the package (included by
# cmake/packaging.cmake):
#
#   share/bash-completion/completions/migrate      `migrate completion bash`
#   share/zsh/vendor-completions/_migrate          `migrate completion zsh`
#   share/fish/vendor_completions.d/migrate.fish   `migrate completion fish`
#   share/doc/migrate/                             README.md, docs/*.md, changelog.gz, copyright
#
# The completions are generated from the CLI definition by the built binary,
# so they list exactly the commands and options it accepts.

set(MIGRATE_COMPLETIONS_DIR ${CMAKE_BINARY_DIR}/completions)
set(MIGRATE_COMPLETION_FILES
    ${MIGRATE_COMPLETIONS_DIR}/migrate.bash ${MIGRATE_COMPLETIONS_DIR}/_migrate
    ${MIGRATE_COMPLETIONS_DIR}/migrate.fish)
add_custom_command(
  OUTPUT ${MIGRATE_COMPLETION_FILES}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${MIGRATE_COMPLETIONS_DIR}
  COMMAND sh -c "\"$1\" completion bash > \"$2/migrate.bash\" && \"$1\" completion zsh > \"$2/_migrate\" && \"$1\" completion fish > \"$2/migrate.fish\""
          completions $<TARGET_FILE:migrate> ${MIGRATE_COMPLETIONS_DIR}
  DEPENDS migrate
  COMMENT "Generating the bash, zsh and fish completions"
  VERBATIM)
add_custom_target(completions ALL DEPENDS ${MIGRATE_COMPLETION_FILES})
install(FILES ${MIGRATE_COMPLETIONS_DIR}/migrate.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME migrate)
install(FILES ${MIGRATE_COMPLETIONS_DIR}/_migrate
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${MIGRATE_COMPLETIONS_DIR}/migrate.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# The Debian changelog, compressed as Debian policy wants it (gzip -9n: no
# name or time in the archive, so the package is reproducible). The version
# has no Debian revision (a native package), so policy names it changelog.gz,
# not changelog.Debian.gz (lintian: wrong-name-for-changelog-of-native-package).
find_program(GZIP_PROGRAM gzip REQUIRED)
set(MIGRATE_CHANGELOG ${CMAKE_BINARY_DIR}/debian/changelog)
configure_file(${CMAKE_CURRENT_LIST_DIR}/changelog.in ${MIGRATE_CHANGELOG} @ONLY)
add_custom_command(
  OUTPUT ${MIGRATE_CHANGELOG}.gz
  COMMAND sh -c "\"$1\" -9nc \"$2\" > \"$2.gz\"" gzip ${GZIP_PROGRAM} ${MIGRATE_CHANGELOG}
  DEPENDS ${MIGRATE_CHANGELOG}
  COMMENT "Compressing the Debian changelog"
  VERBATIM)
add_custom_target(debian_changelog ALL DEPENDS ${MIGRATE_CHANGELOG}.gz)

# Debian policy wants the copyright file in every package (cmake/copyright:
# the machine-readable format; no licence has been granted yet).
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${MIGRATE_CHANGELOG}.gz
              ${CMAKE_CURRENT_LIST_DIR}/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        FILES_MATCHING PATTERN "*.md")
