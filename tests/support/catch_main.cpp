// The main() of the unit and integration test binaries (Catch2 v2).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
