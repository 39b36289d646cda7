# Every package the asked-for parts need, found in one place. A part that is ON and lacks a package is a configure
# error that names the Debian/Ubuntu package to install (or the option that turns the part off), never a part that
# quietly drops out of the build. The CUDA plugin is the one optional part: it builds where nvcc is.
#
# Package names are the same on Debian 12 and Ubuntu 24.04 (DGX OS 7); quickstart.sh installs the same list.

set(roofline_missing "")      # "part|what|package" entries
set(roofline_missing_packages "")

macro(roofline_require part what package)
    list(APPEND roofline_missing "${part}|${what}|${package}")
    list(APPEND roofline_missing_packages ${package})
endmacro()

find_package(nlohmann_json 3.10 QUIET)
if(NOT nlohmann_json_FOUND)
    roofline_require("the core" "nlohmann/json 3.10 or newer" nlohmann-json3-dev)
endif()

# Qt modules and the package that holds each one's CMake config on Debian 12 / Ubuntu 24.04. Charts needs OpenGL
# and OpenGLWidgets; OpenGL's config is in libqt6opengl6-dev, which qt6-base-dev only recommends.
set(roofline_qt_package_Core qt6-base-dev)
set(roofline_qt_package_Gui qt6-base-dev)
set(roofline_qt_package_Widgets qt6-base-dev)
set(roofline_qt_package_Test qt6-base-dev)
set(roofline_qt_package_OpenGL libqt6opengl6-dev)
set(roofline_qt_package_OpenGLWidgets qt6-base-dev)
set(roofline_qt_package_Charts qt6-charts-dev)

set(roofline_qt_components "")
if(BUILD_TESTING)
    list(APPEND roofline_qt_components Core Test)
endif()
if(ROOFLINE_BUILD_APP)
    # In dependency order, so the first missing one is the cause rather than a symptom.
    list(APPEND roofline_qt_components Core Gui Widgets OpenGL OpenGLWidgets Charts)
endif()
list(REMOVE_DUPLICATES roofline_qt_components)
set(roofline_qt_broken "")   # components whose config is there but failed on a missing dependency
foreach(component IN LISTS roofline_qt_components)
    # One at a time: Qt6Config gives up on the components after the first one that fails.
    find_package(Qt6 6.4 QUIET COMPONENTS ${component})
    if(Qt6${component}_FOUND)
        continue()
    endif()
    if(EXISTS "${Qt6${component}_DIR}/Qt6${component}Config.cmake")
        list(APPEND roofline_qt_broken ${component})
        continue()
    endif()
    if(component STREQUAL "Test")
        set(part "the test suite (BUILD_TESTING=ON)")
    elseif(component STREQUAL "Core")
        set(part "Qt Test and the app")
    else()
        set(part "the desktop app (ROOFLINE_BUILD_APP=ON)")
    endif()
    roofline_require("${part}" "Qt 6 ${component}" ${roofline_qt_package_${component}})
endforeach()
# Qt Gui's own needs: without their headers Qt6Gui's config fails and says only "WrapOpenGL" or "XKB".
if("Gui" IN_LIST roofline_qt_broken)
    roofline_require("the desktop app (ROOFLINE_BUILD_APP=ON)" "OpenGL headers for Qt Gui" libgl-dev)
    roofline_require("the desktop app (ROOFLINE_BUILD_APP=ON)" "xkbcommon headers for Qt Gui" libxkbcommon-dev)
endif()

if(ROOFLINE_BUILD_CPU_PLUGIN)
    find_package(OpenBLAS CONFIG QUIET)
    if(NOT OpenBLAS_FOUND)
        roofline_require("the CPU benchmark plugin (ROOFLINE_BUILD_CPU_PLUGIN=ON)" "OpenBLAS" libopenblas-dev)
    endif()
endif()

if(roofline_missing)
    list(REMOVE_DUPLICATES roofline_missing_packages)
    list(JOIN roofline_missing_packages " " install_line)
    set(lines "")
    foreach(entry IN LISTS roofline_missing)
        string(REPLACE "|" ";" fields "${entry}")
        list(GET fields 0 part)
        list(GET fields 1 what)
        list(GET fields 2 package)
        string(APPEND lines "  - ${part} needs ${what}: package ${package}\n")
    endforeach()
    if(roofline_qt_broken)
        list(JOIN roofline_qt_broken ", " broken)
        string(APPEND lines "  (Qt 6 ${broken}: installed, but unusable until the packages above are)\n")
    endif()
    message(FATAL_ERROR
        "Packages missing for what this build is asked to make:\n${lines}"
        "Install them (Debian 12 / Ubuntu 24.04):\n"
        "  sudo apt-get install ${install_line}\n"
        "or run ./quickstart.sh, which installs everything. To leave a part out instead: -DROOFLINE_BUILD_APP=OFF "
        "(a headless build: core, CLI, plugins and their tests), -DROOFLINE_BUILD_CPU_PLUGIN=OFF, -DBUILD_TESTING=OFF.")
endif()

set_package_properties(nlohmann_json PROPERTIES TYPE REQUIRED
    PURPOSE "Reads and writes hardware profiles, benchmark results and reports (core)")
