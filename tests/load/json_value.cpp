// json_value FILE POINTER: prints the value at a JSON pointer (strings bare), for shell tests on
// machines without jq. Exit 1 when the file or the value is missing.
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

int main(int argc, char* argv[]) {
    if (argc != 3) {
        std::cerr << "usage: json_value FILE /json/pointer\n";
        return 2;
    }
    std::ifstream file(argv[1]);
    const auto doc = nlohmann::json::parse(file, nullptr, false);
    if (doc.is_discarded()) {
        std::cerr << "json_value: " << argv[1] << " is not JSON\n";
        return 1;
    }
    const nlohmann::json::json_pointer pointer(argv[2]);
    if (!doc.contains(pointer)) {
        std::cerr << "json_value: no " << argv[2] << " in " << argv[1] << "\n";
        return 1;
    }
    const auto& value = doc.at(pointer);
    std::cout << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
    return 0;
}
