// The Candid types of hyv_generator.did and the conversions between them and the service's
// structs, so main.cpp holds only the endpoints.
#pragma once

#include <string>

#include "hyv/candid/types.h"
#include "hyv/candid/value.h"
#include "hyv/service/dataset_catalog.h"
#include "hyv/status.h"
#include "jobs.h"
#include "pool.h"

namespace hyv::generator {

struct Types {
  candid::TypeTable t;
  candid::TypeRef text = candid::prim(candid::Op::Text);
  candid::TypeRef nat64 = candid::prim(candid::Op::Nat64);
  candid::TypeRef int64 = candid::prim(candid::Op::Int64);
  candid::TypeRef texts = t.vec(text);
  candid::TypeRef job_request;
  candid::TypeRef job;
  candid::TypeRef job_result;
  candid::TypeRef jobs;
  candid::TypeRef job_events_result;
  candid::TypeRef dataset;
  candid::TypeRef dataset_result;
  candid::TypeRef page_request;
  candid::TypeRef page_result;
  candid::TypeRef list_request;
  candid::TypeRef list_reply;
  candid::TypeRef engine;
  candid::TypeRef engines;
  candid::TypeRef catalog_model;
  candid::TypeRef engine_load;
  candid::TypeRef catalog_models;
  candid::TypeRef metrics;
  candid::TypeRef text_result;
  candid::TypeRef unit_result;
  Types();
};

uint32_t id_of(const char* name);
candid::Value ok(candid::Value v);
candid::Value err(const Status& s);
candid::Value unit_ok();

candid::Value job_value(const JobView& j);
candid::Value events_value(const JobEvents& e);
candid::Value dataset_value(const service::DatasetEntry& d, const std::vector<uint8_t>& owner);
candid::Value engine_value(const EngineInfo& e);
candid::Value catalog_model_value(const CatalogModel& m);

// An optional field's value, if set.
const candid::Value* opt_field(const candid::Value& record, const char* name);

}  // namespace hyv::generator
