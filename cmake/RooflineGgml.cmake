# The ggml that libroofline_ggml.so measures. The ggml plugin is the one part built only when its library is there:
# a source tree named by ROOFLINE_GGML_DIR (ggml itself or a llama.cpp checkout, built here, into this build tree,
# with ggml's own options), else an installed ggml found by find_package(ggml CONFIG) (e.g. `cmake --install` of a
# llama.cpp build). Without either, configure says in one line how to get it, and nothing else changes.
#
# Sets roofline_ggml_found, roofline_ggml_targets (what the plugin links), roofline_ggml_source ("tree <dir>" or
# "installed <dir>"), roofline_ggml_cuda (ON where ggml's CUDA backend is in) and roofline_ggml_pinned_commit (the
# commit a pinned snapshot's README names, for a tree that is not a git checkout) and roofline_ggml_commit_trusted
# (whether ggml_commit() is the tree's own: ggml's build asks git in its folder, which inside another repository
# answers with that repository's commit).

set(ROOFLINE_GGML_DIR "" CACHE PATH
    "A ggml or llama.cpp source tree to build the ggml benchmark plugin against (e.g. ../shared/vendor/ggml)")
set(ROOFLINE_GGML_COMMIT "" CACHE STRING
    "The ggml commit the plugin reports where ggml's own build cannot tell it (a tree without .git)")

set(roofline_ggml_found OFF)
set(roofline_ggml_targets "")
set(roofline_ggml_source "")
set(roofline_ggml_cuda OFF)
set(roofline_ggml_pinned_commit "${ROOFLINE_GGML_COMMIT}")
set(roofline_ggml_commit_trusted ON)

if(ROOFLINE_GGML_DIR)
    # Relative to the project's root (gpu/ggml configured on its own sets ROOFLINE_SOURCE_ROOT).
    if(NOT ROOFLINE_SOURCE_ROOT)
        set(ROOFLINE_SOURCE_ROOT "${PROJECT_SOURCE_DIR}")
    endif()
    get_filename_component(roofline_ggml_root "${ROOFLINE_GGML_DIR}" ABSOLUTE BASE_DIR "${ROOFLINE_SOURCE_ROOT}")
    # A llama.cpp checkout carries ggml in ggml/; a ggml checkout is ggml.
    if(EXISTS "${roofline_ggml_root}/ggml/include/ggml-backend.h")
        set(roofline_ggml_tree "${roofline_ggml_root}/ggml")
    elseif(EXISTS "${roofline_ggml_root}/include/ggml-backend.h")
        set(roofline_ggml_tree "${roofline_ggml_root}")
    else()
        message(FATAL_ERROR "ROOFLINE_GGML_DIR=${ROOFLINE_GGML_DIR}: no ggml there (neither include/ggml-backend.h "
                            "nor ggml/include/ggml-backend.h under ${roofline_ggml_root})")
    endif()

    find_program(roofline_git git)
    set(roofline_ggml_toplevel "")
    if(roofline_git)
        execute_process(COMMAND "${roofline_git}" -C "${roofline_ggml_root}" rev-parse --show-toplevel
                        OUTPUT_VARIABLE roofline_ggml_toplevel OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    endif()
    if(roofline_ggml_toplevel)
        get_filename_component(roofline_ggml_toplevel "${roofline_ggml_toplevel}" REALPATH)
    endif()
    get_filename_component(roofline_ggml_real_root "${roofline_ggml_root}" REALPATH)
    if(NOT roofline_ggml_toplevel STREQUAL roofline_ggml_real_root)
        set(roofline_ggml_commit_trusted OFF)
    endif()
    # The pinned snapshot in shared/vendor is not a git checkout, so ggml_commit() says "unknown" (or, inside another
    # repository, that one's commit); its README's table names the commit.
    if(NOT roofline_ggml_pinned_commit AND EXISTS "${roofline_ggml_tree}/../README.md")
        file(STRINGS "${roofline_ggml_tree}/../README.md" roofline_ggml_pin_line REGEX "ggml-org/ggml `[0-9a-f]+`" LIMIT_COUNT 1)
        string(REGEX MATCH "`[0-9a-f]+`" roofline_ggml_pin "${roofline_ggml_pin_line}")
        string(REPLACE "`" "" roofline_ggml_pinned_commit "${roofline_ggml_pin}")
    endif()

    # ggml's options, set for its directory only: the CPU backend always, linked into the plugin (static, PIC), no
    # tests or examples; CUDA where the CUDA plugin is asked for and a CUDA compiler is there.
    set(GGML_BUILD_TESTS OFF CACHE BOOL "" FORCE)
    set(GGML_BUILD_EXAMPLES OFF CACHE BOOL "" FORCE)
    set(GGML_CPU ON CACHE BOOL "" FORCE)
    set(GGML_BACKEND_DL OFF CACHE BOOL "" FORCE)
    set(GGML_STATIC OFF CACHE BOOL "")
    # ggml's CUDA backend is hundreds of kernel instances per architecture: built only where it can run (a CUDA
    # compiler and a GPU that nvidia-smi lists, for that GPU's architecture, ggml's "native"), so a machine with the
    # toolkit and no GPU (this project's CI) builds the CPU backend alone. -DGGML_CUDA=ON with
    # -DCMAKE_CUDA_ARCHITECTURES=... builds it anywhere.
    if(NOT DEFINED GGML_CUDA)
        set(roofline_ggml_want_cuda OFF)
        if(ROOFLINE_BUILD_CUDA_PLUGIN)
            include(CheckLanguage)
            check_language(CUDA)
            find_program(roofline_nvidia_smi nvidia-smi)
            set(roofline_gpus "")
            if(roofline_nvidia_smi)
                execute_process(COMMAND "${roofline_nvidia_smi}" -L OUTPUT_VARIABLE roofline_gpus ERROR_QUIET)
            endif()
            if(CMAKE_CUDA_COMPILER AND roofline_gpus MATCHES "GPU [0-9]")
                set(roofline_ggml_want_cuda ON)
            elseif(CMAKE_CUDA_COMPILER)
                message(STATUS "ggml plugin: ggml's CUDA backend left out (a CUDA compiler but no GPU here; -DGGML_CUDA=ON "
                               "-DCMAKE_CUDA_ARCHITECTURES=<list> builds it anyway)")
            endif()
        endif()
        set(GGML_CUDA ${roofline_ggml_want_cuda} CACHE BOOL "ggml: use CUDA (set by Roofline Lab: a CUDA compiler and a GPU)")
    endif()
    # ggml would otherwise put ccache in front of every compile of the whole project (a global rule) where no compiler
    # launcher is set; CMAKE_<LANG>_COMPILER_LAUNCHER=ccache is the project's way.
    if(NOT DEFINED GGML_CCACHE)
        set(GGML_CCACHE OFF CACHE BOOL "ggml: ccache as a global launch rule (the project uses CMAKE_<LANG>_COMPILER_LAUNCHER)")
    endif()
    # CUDA graphs as llama.cpp builds them (ggml's own default is OFF, "llama.cpp only").
    set(GGML_CUDA_GRAPHS ON CACHE BOOL "ggml: use CUDA graphs (as llama.cpp decodes)")

    set(roofline_saved_shared ${BUILD_SHARED_LIBS})
    set(roofline_saved_pic ${CMAKE_POSITION_INDEPENDENT_CODE})
    get_directory_property(roofline_saved_options COMPILE_OPTIONS)
    set(BUILD_SHARED_LIBS OFF)
    set(CMAKE_POSITION_INDEPENDENT_CODE ON)
    # The project's warning flags are for the project's code, not ggml's.
    set_directory_properties(PROPERTIES COMPILE_OPTIONS "")
    # SYSTEM (CMake 3.25): ggml's headers are not held to the project's -pedantic.
    if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.25)
        add_subdirectory("${roofline_ggml_tree}" "${CMAKE_BINARY_DIR}/ggml" EXCLUDE_FROM_ALL SYSTEM)
    else()
        add_subdirectory("${roofline_ggml_tree}" "${CMAKE_BINARY_DIR}/ggml" EXCLUDE_FROM_ALL)
    endif()
    set_directory_properties(PROPERTIES COMPILE_OPTIONS "${roofline_saved_options}")
    set(BUILD_SHARED_LIBS ${roofline_saved_shared})
    set(CMAKE_POSITION_INDEPENDENT_CODE ${roofline_saved_pic})

    set(roofline_ggml_found ON)
    set(roofline_ggml_targets ggml ggml-base ggml-cpu)
    set(roofline_ggml_source "tree ${roofline_ggml_tree}")
    if(GGML_CUDA)
        set(roofline_ggml_cuda ON)
    endif()
else()
    find_package(ggml CONFIG QUIET)
    if(ggml_FOUND)
        set(roofline_ggml_found ON)
        set(roofline_ggml_targets ggml::ggml ggml::ggml-base)
        if(TARGET ggml::ggml-cpu)
            list(APPEND roofline_ggml_targets ggml::ggml-cpu)
        endif()
        set(roofline_ggml_source "installed ${ggml_DIR}")
        if(TARGET ggml::ggml-cuda)
            set(roofline_ggml_cuda ON)
        endif()
    else()
        message(STATUS "ggml plugin: not built, no ggml found; pass -DROOFLINE_GGML_DIR=<ggml or llama.cpp source> "
                       "(e.g. ../shared/vendor/ggml) or install ggml where find_package(ggml CONFIG) sees it")
    endif()
endif()
