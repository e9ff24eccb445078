# Shell completions and the documentation of the package (included by
# cmake/packaging.cmake):
#
#   share/bash-completion/completions/migrate      `migrate completion bash`
#   share/zsh/vendor-completions/_migrate          `migrate completion zsh`
#   share/fish/vendor_completions.d/migrate.fish   `migrate completion fish`
#   share/doc/migrate/                             README.md, docs/*.md, changelog.Debian.gz
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
# name or time in the archive, so the package is reproducible).
find_program(GZIP_PROGRAM gzip REQUIRED)
configure_file(${CMAKE_CURRENT_LIST_DIR}/changelog.Debian.in ${CMAKE_BINARY_DIR}/changelog.Debian
               @ONLY)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/changelog.Debian.gz
  COMMAND sh -c "\"$1\" -9nc \"$2\" > \"$2.gz\"" gzip ${GZIP_PROGRAM}
          ${CMAKE_BINARY_DIR}/changelog.Debian
  DEPENDS ${CMAKE_BINARY_DIR}/changelog.Debian
  COMMENT "Compressing changelog.Debian"
  VERBATIM)
add_custom_target(changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/changelog.Debian.gz)

install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_BINARY_DIR}/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        FILES_MATCHING PATTERN "*.md")
