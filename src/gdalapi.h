/* gdalapi.h: GDAL/OGR loaded on first use. evmap does not link libgdal: GDAL and the ~110
 * shared libraries it pulls in cost tens of milliseconds to load and relocate, which every
 * command would pay at start-up although only layer export, layer reading through OGR and
 * the basemap's TopoJSON fallback call it. Modules that call GDAL include this header
 * instead of GDAL's and call evm_gdal_load() first; each GDAL function they use goes
 * through a pointer looked up once with dlsym (the names stay GDAL's, as macros). */
#ifndef EVM_GDALAPI_H
#define EVM_GDALAPI_H

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "evmap.h"

/* Every GDAL function evmap calls (add a function here and below to call it). */
#define EVM_GDAL_FUNCS(X)                                                                          \
    X(CPLErrorReset)                                                                               \
    X(CPLGetErrorHandlerUserData)                                                                  \
    X(CPLGetLastErrorMsg)                                                                          \
    X(CPLPopErrorHandler)                                                                          \
    X(CPLPushErrorHandler)                                                                         \
    X(CPLPushErrorHandlerEx)                                                                       \
    X(CPLQuietErrorHandler)                                                                        \
    X(CSLCount)                                                                                    \
    X(CSLDestroy)                                                                                  \
    X(CSLSetNameValue)                                                                             \
    X(GDALAllRegister)                                                                             \
    X(GDALClose)                                                                                   \
    X(GDALCreate)                                                                                  \
    X(GDALDatasetCommitTransaction)                                                                \
    X(GDALDatasetCreateLayer)                                                                      \
    X(GDALDatasetGetLayer)                                                                         \
    X(GDALDatasetGetLayerByName)                                                                   \
    X(GDALDatasetGetLayerCount)                                                                    \
    X(GDALDatasetStartTransaction)                                                                 \
    X(GDALGetDriver)                                                                               \
    X(GDALGetDriverByName)                                                                         \
    X(GDALGetDriverCount)                                                                          \
    X(GDALGetDriverShortName)                                                                      \
    X(GDALGetMetadataItem)                                                                         \
    X(GDALOpenEx)                                                                                  \
    X(GDALSetMetadataItem)                                                                         \
    X(OCTDestroyCoordinateTransformation)                                                          \
    X(OCTNewCoordinateTransformation)                                                              \
    X(OCTTransform)                                                                                \
    X(OGR_FD_GetFieldCount)                                                                        \
    X(OGR_FD_GetFieldDefn)                                                                         \
    X(OGR_FD_GetFieldIndex)                                                                        \
    X(OGR_F_Create)                                                                                \
    X(OGR_F_Destroy)                                                                               \
    X(OGR_F_GetFID)                                                                                \
    X(OGR_F_GetFieldAsDouble)                                                                      \
    X(OGR_F_GetFieldAsInteger64)                                                                   \
    X(OGR_F_GetFieldAsString)                                                                      \
    X(OGR_F_GetFieldAsStringList)                                                                  \
    X(OGR_F_GetFieldDefnRef)                                                                       \
    X(OGR_F_GetFieldIndex)                                                                         \
    X(OGR_F_GetGeometryRef)                                                                        \
    X(OGR_F_IsFieldSetAndNotNull)                                                                  \
    X(OGR_F_SetFID)                                                                                \
    X(OGR_F_SetFieldDouble)                                                                        \
    X(OGR_F_SetFieldInteger)                                                                       \
    X(OGR_F_SetFieldInteger64)                                                                     \
    X(OGR_F_SetFieldNull)                                                                          \
    X(OGR_F_SetFieldString)                                                                        \
    X(OGR_F_SetFieldStringList)                                                                    \
    X(OGR_F_SetGeometryDirectly)                                                                   \
    X(OGR_Fld_Create)                                                                              \
    X(OGR_Fld_Destroy)                                                                             \
    X(OGR_Fld_GetNameRef)                                                                          \
    X(OGR_Fld_GetType)                                                                             \
    X(OGR_Fld_SetSubType)                                                                          \
    X(OGR_Fld_SetWidth)                                                                            \
    X(OGR_G_Centroid)                                                                              \
    X(OGR_G_CreateGeometry)                                                                        \
    X(OGR_G_DestroyGeometry)                                                                       \
    X(OGR_G_GetGeometryCount)                                                                      \
    X(OGR_G_GetGeometryRef)                                                                        \
    X(OGR_G_GetGeometryType)                                                                       \
    X(OGR_G_GetPointCount)                                                                         \
    X(OGR_G_GetX)                                                                                  \
    X(OGR_G_GetY)                                                                                  \
    X(OGR_G_IsEmpty)                                                                               \
    X(OGR_G_SetPoint_2D)                                                                           \
    X(OGR_GT_Flatten)                                                                              \
    X(OGR_L_CreateFeature)                                                                         \
    X(OGR_L_CreateField)                                                                           \
    X(OGR_L_GetGeomType)                                                                           \
    X(OGR_L_GetGeometryColumn)                                                                     \
    X(OGR_L_GetLayerDefn)                                                                          \
    X(OGR_L_GetName)                                                                               \
    X(OGR_L_GetNextFeature)                                                                        \
    X(OGR_L_GetSpatialRef)                                                                         \
    X(OGR_L_ResetReading)                                                                          \
    X(OSRClone)                                                                                    \
    X(OSRImportFromEPSG)                                                                           \
    X(OSRIsSame)                                                                                   \
    X(OSRNewSpatialReference)                                                                      \
    X(OSRRelease)                                                                                  \
    X(OSRSetAxisMappingStrategy)                                                                   \
    X(VSIGetMemFileBuffer)                                                                         \
    X(VSIMkdir)                                                                                    \
    X(VSIReadDir)                                                                                  \
    X(VSIRmdirRecursive)                                                                           \
    X(VSIStatL)

/* The GDAL functions, filled by evm_gdal_load. */
typedef struct evm_gdal_api {
#define EVM_GDAL_FIELD(f) __typeof__(f) *f;
    EVM_GDAL_FUNCS(EVM_GDAL_FIELD)
#undef EVM_GDAL_FIELD
} evm_gdal_api;

extern evm_gdal_api evm_gdal_fn;

/* Loads libgdal and looks up every function above, once per process (thread-safe); later
 * calls return the first outcome. Errors: EVM_ERR_GDAL (library missing or too old). */
evm_err evm_gdal_load(evm_diag *diag);

#ifndef EVM_GDALAPI_IMPL
#define CPLErrorReset (evm_gdal_fn.CPLErrorReset)
#define CPLGetErrorHandlerUserData (evm_gdal_fn.CPLGetErrorHandlerUserData)
#define CPLGetLastErrorMsg (evm_gdal_fn.CPLGetLastErrorMsg)
#define CPLPopErrorHandler (evm_gdal_fn.CPLPopErrorHandler)
#define CPLPushErrorHandler (evm_gdal_fn.CPLPushErrorHandler)
#define CPLPushErrorHandlerEx (evm_gdal_fn.CPLPushErrorHandlerEx)
#define CPLQuietErrorHandler (evm_gdal_fn.CPLQuietErrorHandler)
#define CSLCount (evm_gdal_fn.CSLCount)
#define CSLDestroy (evm_gdal_fn.CSLDestroy)
#define CSLSetNameValue (evm_gdal_fn.CSLSetNameValue)
#define GDALAllRegister (evm_gdal_fn.GDALAllRegister)
#define GDALClose (evm_gdal_fn.GDALClose)
#define GDALCreate (evm_gdal_fn.GDALCreate)
#define GDALDatasetCommitTransaction (evm_gdal_fn.GDALDatasetCommitTransaction)
#define GDALDatasetCreateLayer (evm_gdal_fn.GDALDatasetCreateLayer)
#define GDALDatasetGetLayer (evm_gdal_fn.GDALDatasetGetLayer)
#define GDALDatasetGetLayerByName (evm_gdal_fn.GDALDatasetGetLayerByName)
#define GDALDatasetGetLayerCount (evm_gdal_fn.GDALDatasetGetLayerCount)
#define GDALDatasetStartTransaction (evm_gdal_fn.GDALDatasetStartTransaction)
#define GDALGetDriver (evm_gdal_fn.GDALGetDriver)
#define GDALGetDriverByName (evm_gdal_fn.GDALGetDriverByName)
#define GDALGetDriverCount (evm_gdal_fn.GDALGetDriverCount)
#define GDALGetDriverShortName (evm_gdal_fn.GDALGetDriverShortName)
#define GDALGetMetadataItem (evm_gdal_fn.GDALGetMetadataItem)
#define GDALOpenEx (evm_gdal_fn.GDALOpenEx)
#define GDALSetMetadataItem (evm_gdal_fn.GDALSetMetadataItem)
#define OCTDestroyCoordinateTransformation (evm_gdal_fn.OCTDestroyCoordinateTransformation)
#define OCTNewCoordinateTransformation (evm_gdal_fn.OCTNewCoordinateTransformation)
#define OCTTransform (evm_gdal_fn.OCTTransform)
#define OGR_FD_GetFieldCount (evm_gdal_fn.OGR_FD_GetFieldCount)
#define OGR_FD_GetFieldDefn (evm_gdal_fn.OGR_FD_GetFieldDefn)
#define OGR_FD_GetFieldIndex (evm_gdal_fn.OGR_FD_GetFieldIndex)
#define OGR_F_Create (evm_gdal_fn.OGR_F_Create)
#define OGR_F_Destroy (evm_gdal_fn.OGR_F_Destroy)
#define OGR_F_GetFID (evm_gdal_fn.OGR_F_GetFID)
#define OGR_F_GetFieldAsDouble (evm_gdal_fn.OGR_F_GetFieldAsDouble)
#define OGR_F_GetFieldAsInteger64 (evm_gdal_fn.OGR_F_GetFieldAsInteger64)
#define OGR_F_GetFieldAsString (evm_gdal_fn.OGR_F_GetFieldAsString)
#define OGR_F_GetFieldAsStringList (evm_gdal_fn.OGR_F_GetFieldAsStringList)
#define OGR_F_GetFieldDefnRef (evm_gdal_fn.OGR_F_GetFieldDefnRef)
#define OGR_F_GetFieldIndex (evm_gdal_fn.OGR_F_GetFieldIndex)
#define OGR_F_GetGeometryRef (evm_gdal_fn.OGR_F_GetGeometryRef)
#define OGR_F_IsFieldSetAndNotNull (evm_gdal_fn.OGR_F_IsFieldSetAndNotNull)
#define OGR_F_SetFID (evm_gdal_fn.OGR_F_SetFID)
#define OGR_F_SetFieldDouble (evm_gdal_fn.OGR_F_SetFieldDouble)
#define OGR_F_SetFieldInteger (evm_gdal_fn.OGR_F_SetFieldInteger)
#define OGR_F_SetFieldInteger64 (evm_gdal_fn.OGR_F_SetFieldInteger64)
#define OGR_F_SetFieldNull (evm_gdal_fn.OGR_F_SetFieldNull)
#define OGR_F_SetFieldString (evm_gdal_fn.OGR_F_SetFieldString)
#define OGR_F_SetFieldStringList (evm_gdal_fn.OGR_F_SetFieldStringList)
#define OGR_F_SetGeometryDirectly (evm_gdal_fn.OGR_F_SetGeometryDirectly)
#define OGR_Fld_Create (evm_gdal_fn.OGR_Fld_Create)
#define OGR_Fld_Destroy (evm_gdal_fn.OGR_Fld_Destroy)
#define OGR_Fld_GetNameRef (evm_gdal_fn.OGR_Fld_GetNameRef)
#define OGR_Fld_GetType (evm_gdal_fn.OGR_Fld_GetType)
#define OGR_Fld_SetSubType (evm_gdal_fn.OGR_Fld_SetSubType)
#define OGR_Fld_SetWidth (evm_gdal_fn.OGR_Fld_SetWidth)
#define OGR_G_Centroid (evm_gdal_fn.OGR_G_Centroid)
#define OGR_G_CreateGeometry (evm_gdal_fn.OGR_G_CreateGeometry)
#define OGR_G_DestroyGeometry (evm_gdal_fn.OGR_G_DestroyGeometry)
#define OGR_G_GetGeometryCount (evm_gdal_fn.OGR_G_GetGeometryCount)
#define OGR_G_GetGeometryRef (evm_gdal_fn.OGR_G_GetGeometryRef)
#define OGR_G_GetGeometryType (evm_gdal_fn.OGR_G_GetGeometryType)
#define OGR_G_GetPointCount (evm_gdal_fn.OGR_G_GetPointCount)
#define OGR_G_GetX (evm_gdal_fn.OGR_G_GetX)
#define OGR_G_GetY (evm_gdal_fn.OGR_G_GetY)
#define OGR_G_IsEmpty (evm_gdal_fn.OGR_G_IsEmpty)
#define OGR_G_SetPoint_2D (evm_gdal_fn.OGR_G_SetPoint_2D)
#define OGR_GT_Flatten (evm_gdal_fn.OGR_GT_Flatten)
#define OGR_L_CreateFeature (evm_gdal_fn.OGR_L_CreateFeature)
#define OGR_L_CreateField (evm_gdal_fn.OGR_L_CreateField)
#define OGR_L_GetGeomType (evm_gdal_fn.OGR_L_GetGeomType)
#define OGR_L_GetGeometryColumn (evm_gdal_fn.OGR_L_GetGeometryColumn)
#define OGR_L_GetLayerDefn (evm_gdal_fn.OGR_L_GetLayerDefn)
#define OGR_L_GetName (evm_gdal_fn.OGR_L_GetName)
#define OGR_L_GetNextFeature (evm_gdal_fn.OGR_L_GetNextFeature)
#define OGR_L_GetSpatialRef (evm_gdal_fn.OGR_L_GetSpatialRef)
#define OGR_L_ResetReading (evm_gdal_fn.OGR_L_ResetReading)
#define OSRClone (evm_gdal_fn.OSRClone)
#define OSRImportFromEPSG (evm_gdal_fn.OSRImportFromEPSG)
#define OSRIsSame (evm_gdal_fn.OSRIsSame)
#define OSRNewSpatialReference (evm_gdal_fn.OSRNewSpatialReference)
#define OSRRelease (evm_gdal_fn.OSRRelease)
#define OSRSetAxisMappingStrategy (evm_gdal_fn.OSRSetAxisMappingStrategy)
#define VSIGetMemFileBuffer (evm_gdal_fn.VSIGetMemFileBuffer)
#define VSIMkdir (evm_gdal_fn.VSIMkdir)
#define VSIReadDir (evm_gdal_fn.VSIReadDir)
#define VSIRmdirRecursive (evm_gdal_fn.VSIRmdirRecursive)
#define VSIStatL (evm_gdal_fn.VSIStatL)
#endif

#endif
