# Warnings for the project's own targets; -Werror only where asked, so a new compiler cannot break a user's build.
option(IOTPOLICY_WERROR "Treat warnings as errors" OFF)
function(iotpolicy_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
                                           $<$<BOOL:${IOTPOLICY_WERROR}>:-Werror>)
endfunction()
