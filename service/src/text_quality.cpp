#include "text_quality.h"

#include <algorithm>

#include "hyv/quality/text_report.h"
#include "json_util.h"

namespace hyv::service {

Result<TextQuality> text_quality(const std::vector<std::string>& texts, bool code) {
  quality::TextSamples samples;
  samples.samples = texts;
  samples.jsonl = true;
  quality::TextReport r = quality::text_report(samples, code);
  double sum = r.distinct_2 + (1 - r.duplicate_rate) + (1 - r.repeated_4gram_rate);
  double terms = 3;
  if (code) sum += r.parse_rate, terms += 1;
  TextQuality out;
  out.score = std::clamp(sum / terms, 0.0, 1.0);
  rapidjson::Document d;
  HYV_RETURN_IF_ERROR(parse_json_object(quality::text_report_json(r, false), d, "text report"));
  d.AddMember("score", out.score, d.GetAllocator());
  out.report_json = json_text(d);
  return out;
}

}  // namespace hyv::service
