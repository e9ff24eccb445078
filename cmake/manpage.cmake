# The man page, migrate.1, generated at build time by help2man from the built
# binary's --help and --version, plus docs/migrate.h2m (commands, exit status,
# environment, files: the parts --help does not carry). Installed gzipped to
# share/man/man1/migrate.1.gz. Without help2man the page is skipped (with a
# message); scripts/deps.sh installs it.

find_program(HELP2MAN_EXECUTABLE help2man)
find_program(GZIP_EXECUTABLE gzip)

if(NOT HELP2MAN_EXECUTABLE)
  message(STATUS "help2man not found: the man page is not built or installed (scripts/deps.sh installs help2man)")
  return()
endif()
if(NOT GZIP_EXECUTABLE)
  message(STATUS "gzip not found: the man page is not built or installed")
  return()
endif()

set(MIGRATE_MAN_INCLUDE ${CMAKE_SOURCE_DIR}/docs/migrate.h2m)
set(MIGRATE_MAN_DIR ${CMAKE_BINARY_DIR}/man)
set(MIGRATE_MAN_PAGE ${MIGRATE_MAN_DIR}/migrate.1)

# help2man runs `migrate --help` and `migrate --version` (neither reads a
# database); NO_COLOR keeps escape codes out. gzip -n leaves the name and time
# out of the archive, so the page is reproducible.
add_custom_command(
  OUTPUT ${MIGRATE_MAN_PAGE} ${MIGRATE_MAN_PAGE}.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${MIGRATE_MAN_DIR}
  COMMAND ${CMAKE_COMMAND} -E env NO_COLOR=1 COLUMNS=100
          ${HELP2MAN_EXECUTABLE} --no-info --section=1
          --name "safe PostgreSQL schema migrations under live traffic"
          --include ${MIGRATE_MAN_INCLUDE}
          --output ${MIGRATE_MAN_PAGE}
          $<TARGET_FILE:migrate>
  COMMAND ${GZIP_EXECUTABLE} -n -9 -f -k ${MIGRATE_MAN_PAGE}
  DEPENDS migrate ${MIGRATE_MAN_INCLUDE}
  COMMENT "Generating the man page migrate.1 with help2man"
  VERBATIM)
add_custom_target(manpage ALL DEPENDS ${MIGRATE_MAN_PAGE}.gz)

install(FILES ${MIGRATE_MAN_PAGE}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
