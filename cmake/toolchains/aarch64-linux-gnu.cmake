# Cross-compiling for arm64 (a DGX Spark's aarch64) on an amd64 Debian with multiarch: Debian's
# crossbuild-essential-arm64 compilers, and the arm64 libraries (Qt, OpenBLAS) installed as package:arm64 beside the
# amd64 tools (Qt's moc, rcc and uic are Multi-Arch: foreign, so the host's run). Tests run through qemu-user
# (binfmt_misc), which CTest calls as the emulator. .ci/fresh_root_arm64.sh shows the packages.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Headers and libraries of the target from the multiarch folders; programs (moc, cmake's helpers) from the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(PKG_CONFIG_EXECUTABLE aarch64-linux-gnu-pkg-config CACHE FILEPATH "pkg-config for the arm64 libraries")
find_program(ROOFLINE_QEMU_AARCH64 qemu-aarch64-static qemu-aarch64)
if(ROOFLINE_QEMU_AARCH64)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${ROOFLINE_QEMU_AARCH64}")
endif()
