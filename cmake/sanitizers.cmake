# AddressSanitizer + UndefinedBehaviorSanitizer for every target, tests included: any report fails the run.
if(IOTPOLICY_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()
