// The web app (web/dist, built by `make web`) served at / : files by path, index.html for every
// other non-API path (the app routes in the browser), and a page saying how to build the app
// when it is missing.
#pragma once

#include <httplib.h>

#include <string>

namespace hyv::studio {

// Registers GET for every path not matched before (register the API first).
void register_static_files(httplib::Server& server, const std::string& web_dir);

// The web app folder: `requested` when given, else the first of ./web/dist, beside the binary
// (../web/dist) and the source tree that has an index.html; else ./web/dist.
std::string find_web_dir(const std::string& requested);

}  // namespace hyv::studio
