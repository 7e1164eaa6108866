#pragma once
// GET /v1/exposures: exposed services (the latest state, or what one scan
// saw) narrowed by an ExposureFilter within a Scope, a page at a time in
// (ip, port, transport) order. The cursor is opaque (PageCursor over the
// page's last key); following next_cursor visits every row exactly once.
// Contract: borrows the Session, which must outlive it; one thread at a time.
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/ExposureFilter.h"
#include "fumidai/db/ExposureItem.h"
#include "fumidai/db/Scope.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

struct ExposurePageRequest {
  ExposureFilter filter;
  Scope scope;
  std::string cursor;  // empty: the first page
  int limit = 100;     // 1..ExposureList::kMaxLimit
};

struct ExposurePage {
  std::vector<ExposureItem> items;
  std::string next_cursor;  // empty on the last page
};

class ExposureList {
 public:
  static constexpr int kMaxLimit = 1000;

  explicit ExposureList(Session& session) : session_(session) {}
  // A bad cursor, limit or filter value is an input error.
  Result<ExposurePage> page(const ExposurePageRequest& request);

 private:
  Session& session_;
};

}  // namespace fumidai::db
