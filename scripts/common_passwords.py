"""Writes server/data/common-passwords.txt: the passwords registration refuses (NIST SP 800-63B 3.1.1.2,
"values known to be commonly-used, expected, or compromised").

No breach corpus is available offline here, so the list is composed: the best-known passwords of the
public top-lists, keyboard walks, digit runs and dates, common words and names with the suffixes people
add, and the Chinese-context ones (pinyin phrases such as woaini1314, QQ numbers, lucky numbers).
Only entries of 8-128 characters are kept (shorter ones are refused by length anyway), lowercased (the
check folds case). Run: PYTHONPATH=. python scripts/common_passwords.py"""
from __future__ import annotations

import itertools
import os

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "server", "data",
                   "common-passwords.txt")

_TOP = """password password1 password12 password123 password1234 passw0rd p@ssw0rd p@ssword pa55word pass1234
passpass qwerty123 qwertyui qwertyuiop qwerty12 qwerty1234 qwerty123456 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y
1qaz2wsx 1qaz2wsx3edc zaq12wsx zaq1zaq1 !qaz2wsx qazwsxedc qazwsx123 asdfghjk asdfghjkl asdf1234 zxcvbnm1
zxcvbnm123 abc12345 abcd1234 abcde123 abcdefg1 a1b2c3d4 a1234567 a12345678 aa123456 aa12345678 abc123456
iloveyou iloveyou1 iloveyou2 trustno1 sunshine sunshine1 princess princess1 football football1 baseball
baseball1 basketball superman superman1 batman123 starwars starwars1 whatever whatever1 welcome1
welcome123 letmein1 letmein123 monkey123 dragon123 master123 shadow123 michael1 jennifer jordan23
computer internet changeme changeme1 default1 secret123 admin123 admin1234 administrator root1234
rootroot toor1234 test1234 test12345 testtest tester123 guest123 user1234 login123 hello123 hello1234
helloworld freedom1 charlie1 jessica1 michelle chocolate butterfly1 liverpool chelsea1 arsenal1
manchester mercedes ferrari1 porsche1 corvette mustang1 harley123 yankees1 cowboys1 steelers
eagles123 dolphins lakers24 iloveu123 lovelove loveyou1 babygirl babygirl1 sweetheart angel123 forever1
myspace1 facebook facebook1 google123 youtube1 twitter1 linkedin instagram minecraft pokemon1 naruto123
mypassword mypass123 nopassword newpassword oldpassword 11111111 00000000 12341234 12344321 11223344
12121212 123123123 123321123 1234512345 5201314520 147258369 159753123 159357258 741852963 963852741
987654321 9876543210 1234567890 0987654321 123456789 12345678 1234567899 123456788 12345677 123456123
qwe123qwe qweasdzxc qweqweqwe asdasdasd zxczxczxc azertyuiop azerty123 qwertz123 aaaaaaaa abcdefgh
abcdefghi abcdefghij 1111111111 88888888 66666666 99999999 77777777 55555555 22222222 33333333 44444444
iloveyou! password! qwerty!@# 1qaz@wsx !@#$%^&* !@#$%^&*() 1234qwer qwer1234 asdfqwer zxcvasdf
qazxswedc 1qazxsw2 2wsx3edc 147852369 123654789 789456123 456123789 321654987 135792468 246813579
"""

_WORDS = """password pass admin root user guest test love iloveyou monkey dragon master shadow sunshine princess
football baseball soccer hockey killer hunter ranger buster tigger michael jordan daniel andrew thomas
jessica ashley amanda nicole charlie robert matthew joshua summer winter spring autumn flower orange
banana apple cookie cheese pepper ginger silver golden diamond angel lucky happy smile secret welcome
letmein hello freedom whatever qwerty asdf zxcv abc abcd abcde qwe asd zxc computer internet samsung
iphone huawei xiaomi google yahoo hotmail china beijing shanghai shenzhen guangzhou hangzhou taobao
alipay wechat weixin tencent baidu qq qqqq woaini aini wodemima mima mimamima zhongguo aiwo woaiwojia
woaiwoma nihao nihaoma tiantian xiaoxiao yangyang lili wangwei zhangwei liwei liuyang chenchen
zhangsan lisi wangwu laopo laogong baobao baobei beibei dandan nana tingting xinxin jiajia haohao
"""
TOP, WORDS = _TOP.split(), _WORDS.split()

SUFFIXES = ["", "1", "12", "123", "1234", "12345", "123456", "01", "11", "007", "520", "521", "666", "888",
            "999", "1314", "520520", "5201314", "!", "1!", "123!", "@123", "#1", ".", "2020", "2021", "2022",
            "2023", "2024", "2025", "2026", "1990", "1995", "2000", "88", "66", "168", "_123", "000"]

KEYBOARD_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "0987654321", "poiuytrewq",
                 "lkjhgfdsa", "mnbvcxz", "1qaz2wsx3edc4rfv5tgb", "qazwsxedcrfvtgbyhn", "zaq1xsw2cde3vfr4",
                 "!@#$%^&*()", "abcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba"]


def composed() -> set[str]:
    found = set(TOP)
    for word, suffix in itertools.product(WORDS, SUFFIXES):
        found.add(word + suffix)
        found.add(word.capitalize() + suffix)
    for word in WORDS:
        found.add(word + word)
    for row in KEYBOARD_ROWS:  # walks of 8 and more along a row, from its start
        for n in range(8, len(row) + 1):
            found.add(row[:n])
    for ch in "abcdefghijklmnopqrstuvwxyz0123456789!@#*.":  # one character repeated
        for n in (8, 9, 10, 12, 16):
            found.add(ch * n)
    for start in range(10):  # digit runs up and down, wrapping
        for n in range(8, 11):
            found.add("".join(str((start + i) % 10) for i in range(n)))
            found.add("".join(str((start - i) % 10) for i in range(n)))
    for year in range(1950, 2027):  # birthdays: yyyymmdd for the first of each month and a few more days
        for month in range(1, 13):
            for day in (1, 8, 10, 15, 20, 28):
                found.add(f"{year}{month:02d}{day:02d}")
    for n in ("5201314", "1314520", "520", "1314", "168", "888", "666"):  # lucky numbers, doubled and padded
        for pad in ("", "0", "00", "1", "11", "520", "1314", "5201314"):
            found.add(n + pad)
            found.add(pad + n)
    for word, num in itertools.product(("qq", "aa", "wo", "wang", "li", "zhang", "liu", "chen", "ai"),
                                       ("123456", "12345678", "5201314", "1314520", "888888", "666666", "111111")):
        found.add(word + num)
    return {p.lower() for p in found if 8 <= len(p) <= 128}


def main() -> None:
    entries = sorted(composed())
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# composed by scripts/common_passwords.py; one lowercase password a line\n")
        f.write("\n".join(entries) + "\n")
    print(f"{len(entries)} passwords -> {OUT}")


if __name__ == "__main__":
    main()
