@main
struct Chapter3 {
    static func main() {}
}
