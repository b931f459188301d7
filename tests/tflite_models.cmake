# The TFLite models of the C++ tests and target runs, generated into the build tree: the tests'
# small models (written by tests/codegen/make_tflite_models.py with the tests' flatbuffer builder)
# always, and the four official MLPerf Tiny files when ../shared/mlperf_tiny exists (a user's clone
# lacks them; their headers are build outputs, never committed). Each gets <name>_vectors.hpp:
# deterministic int8 inputs (codegen --test-codes) and the numpy reference's outputs.
set(CTML_MLPERF_TFLITE_DIR "${PROJECT_SOURCE_DIR}/../shared/mlperf_tiny" CACHE PATH
    "Directory of the official MLPerf Tiny .tflite files (optional)")
set(CTML_TFLITE_DIR "${CMAKE_BINARY_DIR}/tflite")
# file -> model name
set(CTML_MLPERF_TFLITE kws_ref_model:tflite_kws ad01_int8:tflite_ad pretrainedResnet_quant:tflite_resnet8
    vww_96_int8:tflite_vww)
set(CTML_HAVE_MLPERF_TFLITE OFF)
if(EXISTS "${CTML_MLPERF_TFLITE_DIR}/kws_ref_model.tflite")
  set(CTML_HAVE_MLPERF_TFLITE ON)
endif()
# The variables above in every directory that includes this file; the targets below once.
include_guard(GLOBAL)
# Codegen's own sources too, so a changed frontend or reference regenerates these test headers.
file(GLOB_RECURSE codegen_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/codegen/ctml_codegen/*.py)
set(tiny_models tflite_tiny_cnn tflite_tiny_mlp)
set(tiny_files)
foreach(m IN LISTS tiny_models)
  list(APPEND tiny_files "${CTML_TFLITE_DIR}/${m}.tflite")
endforeach()
add_custom_command(OUTPUT ${tiny_files}
  COMMAND ${CTML_PYTHON} ${PROJECT_SOURCE_DIR}/tests/codegen/make_tflite_models.py "${CTML_TFLITE_DIR}"
  DEPENDS ${PROJECT_SOURCE_DIR}/tests/codegen/make_tflite_models.py ${PROJECT_SOURCE_DIR}/tests/codegen/tflite_builder.py
  COMMENT "ctml: writing the tests' small .tflite models"
  VERBATIM)
foreach(m IN LISTS tiny_models)
  ctml_add_model(${m}_model NAME ${m} SOURCE "${CTML_TFLITE_DIR}/${m}.tflite" OUTPUT_DIR "${CTML_TFLITE_DIR}"
                 ARGS --test-codes 40 VECTORS DEPENDS ${codegen_sources})
endforeach()

if(CTML_HAVE_MLPERF_TFLITE)
  foreach(pair IN LISTS CTML_MLPERF_TFLITE)
    string(REPLACE ":" ";" pair "${pair}")
    list(GET pair 0 file)
    list(GET pair 1 m)
    ctml_add_model(${m}_model NAME ${m} SOURCE "${CTML_MLPERF_TFLITE_DIR}/${file}.tflite"
                   OUTPUT_DIR "${CTML_TFLITE_DIR}" ARGS --test-codes 5 VECTORS DEPENDS ${codegen_sources})
  endforeach()
else()
  message(STATUS "ctml: ${CTML_MLPERF_TFLITE_DIR} is absent: the official MLPerf Tiny TFLite models are not built or run")
endif()
