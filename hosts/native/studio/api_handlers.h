// The handlers of the HTTP API (docs/api.yaml), one per route; api_routes.cpp maps them to
// methods and paths. Each throws ApiError (api_request.h) for a failure.
#pragma once

#include <httplib.h>

#include "studio/studio.h"

namespace hyv::studio {

using ApiHandler = void (*)(Studio&, const httplib::Request&, httplib::Response&);

#define HYV_API_HANDLER(name) void name(Studio&, const httplib::Request&, httplib::Response&)

HYV_API_HANDLER(get_health);

HYV_API_HANDLER(get_models);
HYV_API_HANDLER(get_model);
HYV_API_HANDLER(delete_model);
HYV_API_HANDLER(put_default);
HYV_API_HANDLER(post_upload);
HYV_API_HANDLER(get_upload);
HYV_API_HANDLER(put_upload_file);
HYV_API_HANDLER(post_upload_finish);
HYV_API_HANDLER(delete_upload);

HYV_API_HANDLER(post_job);
HYV_API_HANDLER(get_jobs);
HYV_API_HANDLER(get_job);
HYV_API_HANDLER(post_job_cancel);
HYV_API_HANDLER(post_job_retry);
HYV_API_HANDLER(get_job_events);

HYV_API_HANDLER(get_datasets);
HYV_API_HANDLER(get_dataset);
HYV_API_HANDLER(delete_dataset);
HYV_API_HANDLER(get_dataset_rows);
HYV_API_HANDLER(get_dataset_download);
HYV_API_HANDLER(put_dataset_rating);
HYV_API_HANDLER(get_dataset_rating);
HYV_API_HANDLER(post_dataset_regenerate);

#undef HYV_API_HANDLER

}  // namespace hyv::studio
