#include "fumidai/fingerprints/Rule.h"

namespace fumidai::fingerprints {

Fingerprint Rule::output(const CaptureList& captures) const {
  Fingerprint fp;
  fp.id = id;
  fp.source = "fumidai";
  fp.category = category;
  fp.vendor = vendor.render(captures);
  fp.product = product.render(captures);
  fp.version = version.render(captures);
  fp.device = device.render(captures);
  fp.cpe = cpe.render(captures);
  fp.confidence = confidence;
  fp.tags = tags;
  return fp;
}

}  // namespace fumidai::fingerprints
