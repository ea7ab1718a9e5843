// A main() for the fuzz targets without libFuzzer: runs
// LLVMFuzzerTestOneInput once on every file named on the command line,
// descending into directories (in sorted order, skipping names that start
// with '.', such as .gitkeep). Arguments starting with '-' are ignored, like
// libFuzzer's flags. Built with any compiler, this is how ctest replays the
// seed corpus and every saved crash (fuzz/CMakeLists.txt).
//
// Exit status: 0 when every input ran; an input that breaks the target
// crashes or aborts the program; 2 if a path is missing or unreadable.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

bool collect(const fs::path& p, std::vector<fs::path>& out) {
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    std::vector<fs::path> children;
    for (fs::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().filename().string().rfind('.', 0) == 0) continue;
      children.push_back(it->path());
    }
    if (ec) {
      std::fprintf(stderr, "replay: cannot list %s: %s\n", p.c_str(), ec.message().c_str());
      return false;
    }
    std::sort(children.begin(), children.end());
    for (const auto& c : children) {
      if (!collect(c, out)) return false;
    }
    return true;
  }
  if (fs::is_regular_file(p, ec)) {
    out.push_back(p);
    return true;
  }
  std::fprintf(stderr, "replay: no such file or directory: %s\n", p.c_str());
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-') continue;
    if (!collect(argv[i], inputs)) return 2;
  }
  for (const auto& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
      return 2;
    }
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), bytes.size());
    // A buffer of exactly the input's size, so that AddressSanitizer builds
    // catch a read past its end.
    const auto data = std::make_unique<uint8_t[]>(bytes.size());
    std::copy(bytes.begin(), bytes.end(), data.get());
    LLVMFuzzerTestOneInput(data.get(), bytes.size());
  }
  std::fprintf(stderr, "replay: %zu inputs ran\n", inputs.size());
  return 0;
}
